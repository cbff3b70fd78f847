using Pgward.Agent;
using Pgward.Agent.Failover;
using Pgward.Agent.Fencing;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Failover;
using Pgward.Failover.Agreement;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Agent;

/// <summary>The agent's loops under supervision, against a real one-node cluster with failover on.</summary>
public sealed class AgentLoopTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Agent_whose_failover_loop_throws_exits_non_zero_instead_of_living_on_without_failover()
    {
        var sandbox = await Sandbox.UpAsync(Directory, 1, Token, failover: true);
        var ctx = Failover.AgentContext.From(sandbox.Config(1));
        var votes = new FailingStore(AgentAgreementStore.For(ctx.Options, ctx.Time));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = AgentHost.RunAsync(ctx, votes, stop.Token);
        try
        {
            using var client = sandbox.Client("");
            var url = sandbox.AgentUrl(1);
            await Sql.WaitUntilAsync(async () =>
            {
                Assert.False(run.IsCompleted, run.IsCompleted ? (await run).ToString() : null);
                var node = await client.GetNodeAsync(url, Token, TimeSpan.FromSeconds(1));
                return node.Body?.FailoverState is { } state && state != "off";
            }, Token);

            // What an fsync that fails in the vote store does: the loop's handler throws.
            votes.Failing = true;
            var ended = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30), Token));
            Assert.True(ended == run, "the agent lives on, half-dead, after its failover loop failed");
            var outcome = await run;
            Assert.NotEqual(0, outcome.ExitCode);
            Assert.Contains("failover", outcome.Error, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20), CancellationToken.None));
            // The agent ran in this process, which lives on: its dead-man switch would wait for it. End it here.
            using var state = DeadManState.Open(sandbox.Config(1));
            if (state.SwitchPid > 0 && PostmasterPid.ProcessAlive(state.SwitchPid))
            {
                Signals.Send(state.SwitchPid, Signals.SigKill);
            }
        }
    }

    /// <summary>The node's own store, until the test makes it throw the IOException of a failed fsync.</summary>
    private sealed class FailingStore(IAgreementStore inner) : IAgreementStore
    {
        public volatile bool Failing;

        public VoterState Load() => Failing ? throw new IOException("fsync: Input/output error") : inner.Load();

        public void Save(VoterState state)
        {
            if (Failing)
            {
                throw new IOException("fsync: Input/output error");
            }
            inner.Save(state);
        }

        public bool IsPaused => Failing ? throw new IOException("read: Input/output error") : inner.IsPaused;

        public void SetPaused(bool paused) => inner.SetPaused(paused);
    }
}
