using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Control;
using Pgward.Agent.Failover;
using Pgward.Cli.Output;
using Pgward.Cluster;
using Pgward.Cluster.Events;
using Pgward.Core.Config;
using Pgward.Core.Events;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;
using Pgward.Core.Supervision;
using Pgward.Failover;
using Pgward.Failover.Agreement;
using Pgward.Failover.Messages;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class FailoverDriverTests
{
    [Fact]
    public async Task Deliver_refuses_messages_while_the_loop_does_not_run_so_nothing_piles_up_without_a_reader()
    {
        var time = new FakeTimeProvider();
        var options = new NodeOptions { NodeId = 1, NodeName = "node1", Conninfo = "host=127.0.0.1 dbname=pgward", DataDirectory = "/nonexistent/data" };
        var reporter = new ConsoleReporter(TextWriter.Null, isTerminal: false, ReportLevel.Error);
        var ctx = new OperationContext(options, reporter, new DbConnector(), new ProcessRunner(),
            new EventRecorder(new EventNotifier(null, [], TimeSpan.FromSeconds(5), time), reporter, time), time);
        using var loops = new LoopSupervisor(time, NullLogger.Instance);
        using var control = new LocalNodeControl(ctx, NullLogger.Instance);
        var driver = new FailoverDriver(ctx, control, new NoVotes(), loops, NullLogger.Instance);

        // Failover not set up (waiting for the metadata, or off for good): every heartbeat of the others is refused.
        for (var i = 0; i < 10_000; i++)
        {
            Assert.False(driver.Deliver(2, new Heartbeat(1, 2, 1, 0, 0, time.GetUtcNow())));
        }
        Assert.Null(await driver.PromoteOnRequestAsync(TestContext.Current.CancellationToken));
    }

    private sealed class NoVotes : IAgreementStore
    {
        public VoterState Load() => VoterState.Initial;

        public void Save(VoterState state)
        {
        }

        public bool IsPaused => false;

        public void SetPaused(bool paused)
        {
        }
    }
}
