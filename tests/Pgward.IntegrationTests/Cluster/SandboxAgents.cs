using Pgward.Cluster.Agents;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// Runs <c>pgward daemon run</c> for chosen nodes of a sandbox, with a shared agent token, each as a process of its own
/// (<see cref="AgentProcesses"/>, logs in <c>agent-N.log</c> of the sandbox directory), and stops them all cleanly when
/// disposed. Not in the test process: there an agent shared the thread pool and the garbage collector with the test's
/// own in-process commands and with the test running beside it, and once missed its lease by a stall of the test host
/// (its dead-man switch stopped the primary under a backup, CI of 86e7da4); an agent is a process of its own on a server.
/// </summary>
public sealed class SandboxAgents : IAsyncDisposable
{
    public const string Token = "sandbox-agent-token";

    /// <summary>How long a clean stop may take before the agent is killed: an agent that hands its primary over first
    /// takes a few seconds.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly AgentProcesses processes;
    private readonly List<int> nodes = [];

    private SandboxAgents(Sandbox sandbox)
    {
        processes = new AgentProcesses(sandbox);
        // What an agent writes down for PostgreSQL to run (a restore_command after recover --node) names the executable
        // the tests run, as a packaged agent names /usr/bin/pgward.
        processes.Environment[Pgward.Core.Processes.PgwardExecutable.Variable] = TestPgward.Executable;
        Client = sandbox.Client(Token);
    }

    public AgentClient Client { get; }

    /// <summary>Gives every node the token (agents and the CLI read it from pgward.conf), then starts the agents of <paramref name="running"/>.</summary>
    /// <param name="writeToken">False when an earlier call already gave the nodes the token.</param>
    public static async Task<SandboxAgents> StartAsync(Sandbox sandbox, IEnumerable<int> running, CancellationToken ct, bool writeToken = true)
    {
        var agents = new SandboxAgents(sandbox);
        for (var id = 1; id <= sandbox.Nodes && writeToken; id++)
        {
            await NodeConfig.SetAsync(sandbox.Config(id), ct, $"agent_token = {Token}");
        }
        try
        {
            foreach (var id in running)
            {
                agents.processes.Start(id, sandbox.Config(id));
                agents.nodes.Add(id);
                await Sql.WaitUntilAsync(async () =>
                {
                    Assert.False(agents.processes.HasExited(id), $"agent {id} ended as it started:\n{agents.processes.Logs()}");
                    return (await agents.Client.GetHealthAsync(sandbox.AgentUrl(id), "liveness", ct, TimeSpan.FromSeconds(1))).Succeeded;
                }, ct);
            }
        }
        catch
        {
            await agents.DisposeAsync();
            throw;
        }
        return agents;
    }

    /// <summary>Stops every agent as systemd does (SIGTERM; kill -9 after 20 s). An agent that ended before it was stopped,
    /// or did not stop, is what a failed test most needs to show: its log goes to the test's output.</summary>
    public async ValueTask DisposeAsync()
    {
        var troubled = new List<int>();
        foreach (var id in nodes)
        {
            if (processes.HasExited(id) || !await processes.StopAsync(id, StopTimeout))
            {
                troubled.Add(id);
            }
        }
        if (troubled.Count > 0)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"agent(s) {string.Join(", ", troubled)} ended before the test stopped them, or did not stop:\n{processes.Logs()}");
        }
        await processes.DisposeAsync();
        Client.Dispose();
    }
}
