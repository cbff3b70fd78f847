using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Pgward.Agent;
using Pgward.Agent.Failover;
using Pgward.Agent.Health;
using Pgward.Agent.Monitoring;
using Pgward.Cli.Output;
using Pgward.Cluster;
using Pgward.Cluster.Events;
using Pgward.Core.Config;
using Pgward.Core.Events;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;
using Pgward.Core.Supervision;
using Pgward.UnitTests.Supervision;
using Xunit;

namespace Pgward.UnitTests.Agent;

/// <summary>Issue 14: every loop of the agent recovers and says so, or stops the agent; a fault injected into each shows which.</summary>
public sealed class AgentLoopsTests
{
    private readonly FakeTimeProvider time = new();
    private readonly RecordingLogger log = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Every_agent_loop_restarts_unless_its_fault_leaves_decisions_that_cannot_be_trusted()
    {
        var policies = AgentLoops.All.Append(AgentLoops.Sender(2)).ToDictionary(l => l.Name, l => l.Policy);

        Assert.Equal(new Dictionary<string, LoopFaultPolicy>
        {
            ["monitor"] = LoopFaultPolicy.Restart,
            ["failover"] = LoopFaultPolicy.StopProcess,
            ["failover probe"] = LoopFaultPolicy.Restart,
            ["failover tick"] = LoopFaultPolicy.Restart,
            ["failover executor"] = LoopFaultPolicy.Restart,
            ["event writer"] = LoopFaultPolicy.Restart,
            ["agent-url refresh"] = LoopFaultPolicy.Restart,
            ["dead-man supervision"] = LoopFaultPolicy.StopProcess,
            ["commit lease"] = LoopFaultPolicy.Restart,
            ["sender to node 2"] = LoopFaultPolicy.Restart,
        }, policies);
    }

    public static TheoryData<string> Loops() => [.. AgentLoops.All.Select(l => l.Name)];

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task A_fault_in_an_agent_loop_restarts_it_with_a_warning_or_stops_the_agent_as_its_policy_says(string name)
    {
        var definition = AgentLoops.All.Single(l => l.Name == name);
        using var loops = new LoopSupervisor(time, log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var starts = 0;
        var run = loops.RunAsync(definition, ct => Interlocked.Increment(ref starts) == 1
            ? throw new IOException("injected fault")
            : Task.Delay(Timeout.InfiniteTimeSpan, ct), stop.Token);

        if (definition.Policy == LoopFaultPolicy.StopProcess)
        {
            await run;
            Assert.True(loops.Fatal.IsCancellationRequested);
            Assert.Equal($"the {name} loop failed: injected fault", loops.Failure);
            Assert.Equal([$"{name}: failed (injected fault)"], loops.Problems());
            Assert.Contains(log.Lines, l => l.Level == LogLevel.Error && l.Text.StartsWith($"loop {name} failed: injected fault", StringComparison.Ordinal));
            Assert.Equal(1, starts);
            return;
        }
        await AdvanceUntilAsync(() => Volatile.Read(ref starts) == 2);
        AssertRecovered(loops, name, "injected fault");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_monitor_whose_probe_throws_says_so_and_probes_again_after_its_backoff()
    {
        var ctx = Context();
        var probes = 0;
        using var cache = new ProbeCache(_ => Interlocked.Increment(ref probes) == 1
            ? throw new InvalidOperationException("injected fault")
            : Task.FromResult(ServerState.Stopped), time, log);
        using var loops = new LoopSupervisor(time, log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var run = AgentHost.RunMonitorAsync(loops, new MonitorLoop(ctx, cache, log), ctx.Options.MonitorInterval, stop.Token);

        await AdvanceUntilAsync(() => Volatile.Read(ref probes) == 2);
        AssertRecovered(loops, "monitor", "injected fault");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_commit_lease_that_faults_says_so_and_looks_at_the_server_again_after_its_backoff()
    {
        var ctx = Context();
        var looks = 0;
        var lease = new CommitLease(ctx, () => DateTimeOffset.MinValue, () => Interlocked.Increment(ref looks) == 1
            ? throw new IOException("injected fault")
            : LocalObservation.Down("stopped"), "", new WakeSignal(), log);
        using var loops = new LoopSupervisor(time, log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var run = loops.RunAsync(AgentLoops.CommitLease, lease.RunAsync, stop.Token);

        await AdvanceUntilAsync(() => Volatile.Read(ref looks) >= 2);
        AssertRecovered(loops, "commit lease", "injected fault");
        await stop.CancelAsync();
        await run;
    }

    /// <summary>The loop faulted once, said so as a warning, ran again after the first backoff, and the agent (and its
    /// <c>/health</c>) goes on as if nothing happened.</summary>
    private void AssertRecovered(LoopSupervisor loops, string name, string error)
    {
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Text == $"loop {name} failed: {error}; it runs again in 1 s");
        Assert.Contains(log.Lines, l => l.Text == $"loop {name} runs again after 1 fault(s)");
        Assert.DoesNotContain(log.Lines, l => l.Level >= LogLevel.Error);
        Assert.False(loops.Fatal.IsCancellationRequested);
        Assert.Null(loops.Failure);
        Assert.Empty(loops.Problems());
    }

    private OperationContext Context()
    {
        var options = new NodeOptions { NodeId = 1, NodeName = "node1", Conninfo = "host=127.0.0.1 dbname=pgward", DataDirectory = "/nonexistent/data" };
        var reporter = new ConsoleReporter(TextWriter.Null, isTerminal: false, ReportLevel.Error);
        return new OperationContext(options, reporter, new DbConnector(), new ProcessRunner(),
            new EventRecorder(new EventNotifier(null, [], TimeSpan.FromSeconds(5), time), reporter, time), time);
    }

    /// <summary>Moves the fake clock 100 ms at a time, letting the loop run between steps, until the condition holds.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 1000, "condition not reached");
            await Task.Delay(5, Token);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }
}
