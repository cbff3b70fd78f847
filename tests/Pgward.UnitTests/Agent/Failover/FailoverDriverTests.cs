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
    public async Task Deliver_holds_at_most_a_full_inbox_while_the_loop_does_not_run_so_nothing_piles_up_without_a_reader()
    {
        var time = new FakeTimeProvider();
        using var harness = new Harness(time);
        var driver = harness.Driver;

        // Failover not set up yet (waiting for the metadata): the others' heartbeats wait, but only as many as the inbox
        // holds; the rest are refused instead of piling up without a reader.
        var accepted = Enumerable.Range(0, 10_000).Count(_ => driver.Deliver(2, new Heartbeat(1, 2, 1, 0, 0, time.GetUtcNow())));
        Assert.Equal(FailoverDriver.InboxCapacity, accepted);
        Assert.Null(await driver.PromoteOnRequestAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_heartbeat_whose_request_takes_the_reply_is_answered_without_one_when_the_loop_does_not_answer_within_100_ms()
    {
        var time = new FakeTimeProvider();
        using var harness = new Harness(time);
        var driver = harness.Driver;

        // The loop is still setting up: the heartbeat waits for it, and the request answers without a reply once 100 ms
        // passed (the loop's reply, when it comes, goes as a message of its own).
        var answering = driver.DeliverForReplyAsync(2, new Heartbeat(1, 2, 1, 0, 0, time.GetUtcNow()), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(answering.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var (accepted, reply) = await answering;
        Assert.True(accepted);
        Assert.Null(reply);
    }

    /// <summary>A driver for node 1 whose failover is not set up (no metadata, no server), on fake time.</summary>
    private sealed class Harness : IDisposable
    {
        private readonly LoopSupervisor loops;
        private readonly LocalNodeControl control;

        public Harness(FakeTimeProvider time)
        {
            var options = new NodeOptions { NodeId = 1, NodeName = "node1", Conninfo = "host=127.0.0.1 dbname=pgward", DataDirectory = "/nonexistent/data" };
            var reporter = new ConsoleReporter(TextWriter.Null, isTerminal: false, ReportLevel.Error);
            var ctx = new OperationContext(options, reporter, new DbConnector(), new ProcessRunner(),
                new EventRecorder(new EventNotifier(null, [], TimeSpan.FromSeconds(5), time), reporter, time), time);
            loops = new LoopSupervisor(time, NullLogger.Instance);
            control = new LocalNodeControl(ctx, NullLogger.Instance);
            Driver = new FailoverDriver(ctx, control, new NoVotes(), loops, NullLogger.Instance);
        }

        public FailoverDriver Driver { get; }

        public void Dispose()
        {
            control.Dispose();
            loops.Dispose();
        }
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
