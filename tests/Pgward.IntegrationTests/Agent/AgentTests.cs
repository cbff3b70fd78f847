using System.Text.Json;
using Pgward.Cli;
using Pgward.Cli.Commands;
using Pgward.Cluster.Agents;
using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Agent;

/// <summary>The node agent against a real sandbox: agents as processes of their own (<see cref="SandboxAgents"/>), and in
/// the test process where nothing is guarded (<c>daemon run</c> with a token the test cancels).</summary>
public sealed class AgentTests : PgIntegrationTest
{
    private const string AgentSecret = "it-s3cret";

    [Fact]
    public async Task Health_checks_answer_by_role_and_control_needs_the_token_and_records_events()
    {
        var sandbox = await Sandbox.UpAsync(Directory, 2, Token);
        await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token);
        var client = agents.Client;
        var primary = AgentUrl(sandbox, 1);
        var standby = AgentUrl(sandbox, 2);
        // The primary takes commits (and /primary answers 200) once its dead-man switch has registered: a JIT start
        // of the switch on a loaded host may take seconds after the agent answers. This wait is the check: asked
        // again at once, /primary may answer 503 for a moment on a loaded host, as it should while the commit lease
        // has lapsed (a heartbeat late) and commits are held (CI, 2026-12-07: 503 right after the wait's 200).
        await Sql.WaitUntilAsync(async () => await StatusAsync(client, primary, "primary") == 200, Token);

        Assert.Equal(503, await StatusAsync(client, standby, "primary"));
        Assert.Equal(503, await StatusAsync(client, primary, "replica"));
        Assert.Equal(200, await StatusAsync(client, standby, "replica"));
        Assert.Equal(200, await StatusAsync(client, standby, "replica?lag=16MB"));
        Assert.Equal(400, await StatusAsync(client, standby, "replica?lag=plenty"));
        Assert.Equal(200, await StatusAsync(client, primary, "health"));
        Assert.Equal(200, await StatusAsync(client, standby, "read-only"));
        var node = await client.GetNodeAsync(standby, Token);
        Assert.Equal(("standby", "upstream"), (node.Body!.Role, node.Body.LagSource));

        using var noToken = sandbox.Client("");
        using var wrongToken = sandbox.Client("not-" + SandboxAgents.Token);
        var stop = new StopRequest(Checkpoint: true, Mode: "fast");
        var refused = await noToken.PostControlAsync(standby, "stop", stop, AgentJson.Context.StopRequest, Token);
        Assert.Equal((401, false), (refused.StatusCode, refused.Body!.Ok));
        refused = await wrongToken.PostControlAsync(standby, "stop", stop, AgentJson.Context.StopRequest, Token);
        Assert.Equal(401, refused.StatusCode);
        Assert.NotNull(PostmasterPid.Read(sandbox.DataDirectory(2)));
        Assert.Equal(200, await StatusAsync(client, standby, "health"));

        var stopped = await client.PostControlAsync(standby, "stop", stop, AgentJson.Context.StopRequest, Token, TimeSpan.FromSeconds(60));
        Assert.True(stopped.Succeeded, stopped.ToString());
        Assert.Null(PostmasterPid.Read(sandbox.DataDirectory(2)));
        await Sql.WaitUntilAsync(async () => await StatusAsync(client, standby, "health") == 503, Token);

        var events = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "event", "--event", "agent_stop", "--json");
        using var log = JsonDocument.Parse(events.Out);
        var recorded = Assert.Single(log.RootElement.EnumerateArray());
        Assert.Equal((2, true), (recorded.GetProperty("node_id").GetInt32(), recorded.GetProperty("successful").GetBoolean()));

        var started = await client.PostControlAsync(standby, "start", Token, TimeSpan.FromSeconds(90));
        Assert.True(started.Succeeded, started.ToString());
        await Sql.WaitUntilAsync(async () => await StatusAsync(client, standby, "replica") == 200, Token);
    }

    [Fact]
    public async Task Daemon_start_runs_the_agent_in_the_background_and_daemon_stop_ends_it()
    {
        var sandbox = await Sandbox.UpAsync(Directory, 1, Token);
        var executable = TestPgward.Executable;
        Assert.True(File.Exists(executable), $"{executable} is missing: the CLI's apphost is copied beside the tests when they build");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = new CliEnvironment(output, error, name => name == DaemonCommands.ExecutableVariable ? executable : null,
            Path.GetTempPath(), TimeProvider.System, IsTerminal: false);
        var pidFile = Path.Combine(Path.GetDirectoryName(sandbox.Config(1))!, "pgward-daemon.pid");
        int? pid = null;
        try
        {
            var start = await PgwardApp.RunAsync(["-f", sandbox.Config(1), "daemon", "start"], env, Token);
            Assert.True(start == 0, error.ToString());
            pid = int.Parse(await File.ReadAllTextAsync(pidFile, Token), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(PostmasterPid.ProcessAlive(pid.Value));

            var again = await PgwardApp.RunAsync(["-f", sandbox.Config(1), "daemon", "start"], env, Token);
            Assert.NotEqual(0, again);
            Assert.Contains("already runs", error.ToString(), StringComparison.Ordinal);

            var status = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "daemon", "status", "--json");
            using var json = JsonDocument.Parse(status.Out);
            var row = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal((true, pid.Value), (row.GetProperty("agent_reachable").GetBoolean(), row.GetProperty("pid").GetInt32()));

            var stop = await PgwardApp.RunAsync(["-f", sandbox.Config(1), "daemon", "stop"], env, Token);
            Assert.True(stop == 0, error.ToString());
            Assert.False(PostmasterPid.ProcessAlive(pid.Value));
            Assert.False(File.Exists(pidFile));
        }
        finally
        {
            if (pid is { } left && PostmasterPid.ProcessAlive(left))
            {
                System.Diagnostics.Process.GetProcessById(left).Kill();
            }
        }
    }

    [Fact]
    public async Task Witness_answers_503_to_every_role_check_and_names_itself_witness_in_node()
    {
        // One data node: the witness does not vote, so nothing of failover tells its agent what it is.
        var sandbox = await Sandbox.UpAsync(Directory, 1, Token, witness: true);
        using var agents = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = PgwardCli.RunAsync(agents.Token, "-f", sandbox.WitnessConfig, "daemon", "run");
        try
        {
            using var client = sandbox.Client(AgentSecret);
            var witness = AgentUrl(sandbox, 2);
            await WaitForAgentAsync(client, witness, run);

            // Its server holds no application data: no read or write pool may send it clients.
            foreach (var check in (string[])["primary", "master", "leader", "read-write", "replica", "read-only", "readiness"])
            {
                Assert.True(await StatusAsync(client, witness, check) == 503, $"/{check} of the witness");
            }
            Assert.Equal(200, await StatusAsync(client, witness, "health"));
            var node = await client.GetNodeAsync(witness, Token);
            Assert.Equal("witness", node.Body!.Role);
        }
        finally
        {
            await agents.CancelAsync();
            var result = await run;
            Assert.True(result.ExitCode == 0, result.ToString());
        }
    }

    private static string AgentUrl(Sandbox sandbox, int nodeId) => sandbox.AgentUrl(nodeId);

    private async Task<int?> StatusAsync(AgentClient client, string url, string endpoint) =>
        (await client.GetHealthAsync(url, endpoint, Token)).StatusCode;

    private async Task WaitForAgentAsync(AgentClient client, string url, Task<CliRun> run) =>
        await Sql.WaitUntilAsync(async () =>
        {
            Assert.False(run.IsCompleted, run.IsCompleted ? (await run).ToString() : null);
            return (await client.GetHealthAsync(url, "liveness", Token, TimeSpan.FromSeconds(1))).Succeeded;
        }, Token);
}
