using Pgward.Cluster.Agents;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// Runs <c>pgward daemon run</c> in-process for chosen nodes of a sandbox, with a shared agent token, and stops
/// them all when disposed.
/// </summary>
public sealed class SandboxAgents : IAsyncDisposable
{
    public const string Token = "sandbox-agent-token";

    private readonly CancellationTokenSource stop;
    private readonly List<Task<CliRun>> runs = [];

    private SandboxAgents(Sandbox sandbox, CancellationToken testToken)
    {
        stop = CancellationTokenSource.CreateLinkedTokenSource(testToken);
        Client = sandbox.Client(Token);
    }

    public AgentClient Client { get; }

    /// <summary>Gives every node the token (agents and the CLI read it from pgward.conf), then starts the agents of <paramref name="running"/>.</summary>
    /// <param name="writeToken">False when an earlier call already gave the nodes the token.</param>
    public static async Task<SandboxAgents> StartAsync(Sandbox sandbox, IEnumerable<int> running, CancellationToken ct, bool writeToken = true)
    {
        // The agents run in the test process, whose executable is the test host: what they write down for PostgreSQL to
        // run (a restore_command after recover --node) must name the CLI's apphost, as a packaged agent names /usr/bin/pgward.
        Environment.SetEnvironmentVariable(Pgward.Core.Processes.PgwardExecutable.Variable, Sandbox.Executable(Pgward.Core.Processes.PgwardExecutable.Variable));
        var agents = new SandboxAgents(sandbox, ct);
        for (var id = 1; id <= sandbox.Nodes && writeToken; id++)
        {
            await NodeConfig.SetAsync(sandbox.Config(id), ct, $"agent_token = {Token}");
        }
        foreach (var id in running)
        {
            var run = PgwardCli.RunAsync(agents.stop.Token, "-f", sandbox.Config(id), "daemon", "run");
            agents.runs.Add(run);
            await Sql.WaitUntilAsync(async () =>
            {
                Assert.False(run.IsCompleted, run.IsCompleted ? (await run).ToString() : null);
                return (await agents.Client.GetHealthAsync(sandbox.AgentUrl(id), "liveness", ct, TimeSpan.FromSeconds(1))).Succeeded;
            }, ct);
        }
        return agents;
    }

    public async ValueTask DisposeAsync()
    {
        // An agent that ended before it was stopped is what a failed test most needs to show.
        var endedEarly = runs.Where(run => run.IsCompleted).ToList();
        await stop.CancelAsync();
        foreach (var run in runs)
        {
            var result = await run;
            if (endedEarly.Contains(run))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"an agent ended before the test stopped it: {result}");
            }
        }
        Client.Dispose();
        stop.Dispose();
    }
}
