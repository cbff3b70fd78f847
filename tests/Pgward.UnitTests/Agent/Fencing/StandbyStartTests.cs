using Pgward.Agent.Fencing;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.UnitTests.Postgres;
using Xunit;

namespace Pgward.UnitTests.Agent.Fencing;

public sealed class StandbyStartTests
{
    private static readonly DateTimeOffset Written = new(2026, 12, 5, 9, 30, 0, 500, TimeSpan.Zero);

    [Fact]
    public void A_postmaster_started_after_standby_signal_was_written_started_as_a_standby()
    {
        Assert.True(StandbyStart.Decide(Written, Written.AddMilliseconds(30)));
        // The guard written on a running primary (after its start) does not make it read-only.
        Assert.False(StandbyStart.Decide(Written, Written.AddSeconds(-5)));
        // Within the kernel's stamp slack: unknown, so not counted as a standby.
        Assert.False(StandbyStart.Decide(Written, Written.AddMilliseconds(5)));
        Assert.False(StandbyStart.Decide(Written, Written));
        Assert.False(StandbyStart.Decide(null, Written.AddSeconds(1)));
        Assert.False(StandbyStart.Decide(Written, null));
    }

    [Fact]
    public void Every_start_waits_long_enough_after_standby_signal_for_the_switch_to_tell_them_apart()
    {
        // The write's stamp slack, plus a tick (10 ms) of the process's start time and of the uptime on each side.
        Assert.True(Pgward.Cluster.LocalServer.StandbySignalSeparation > StandbyStart.WriteStampSlack + TimeSpan.FromMilliseconds(20));
    }

    /// <summary>node rejoin wrote standby.signal and started the server within a millisecond; a switch a killed agent had
    /// left armed then stopped that standby (CI, ManualRejoinTests). Every start through LocalServer now waits.</summary>
    [Fact]
    public async Task A_start_right_after_standby_signal_is_written_waits_out_the_separation()
    {
        var data = Directory.CreateTempSubdirectory("pgward-signal-");
        try
        {
            var runner = new FakeProcessRunner(new ProcessResult(0, "", "", TimedOut: false));
            var binaries = new PgBinaries("/pg/bin", 15);
            var server = new Pgward.Cluster.LocalServer(binaries, new ServerAccount(null, runner), new PgCtl(binaries, null, runner),
                new ServerDirectories(data.FullName));
            await File.WriteAllTextAsync(Path.Combine(data.FullName, "standby.signal"), "", TestContext.Current.CancellationToken);
            var written = File.GetLastWriteTimeUtc(Path.Combine(data.FullName, "standby.signal"));

            await server.StartAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

            Assert.Single(runner.Requests);
            Assert.True(TimeProvider.System.GetUtcNow().UtcDateTime - written >= Pgward.Cluster.LocalServer.StandbySignalSeparation - TimeSpan.FromMilliseconds(1));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_start_time_is_the_third_line_of_postmaster_pid()
    {
        Assert.Equal(1796462400L, StandbyStart.StartLine("4242\n/var/lib/postgresql/15/main\n1796462400\n5432\n/tmp\n*\n  5432001  65538\nready   \n"));
        Assert.Null(StandbyStart.StartLine("4242\n/data\n"));
        Assert.Null(StandbyStart.StartLine("4242\n/data\nnot-a-time\n"));
    }

    [Fact]
    public void Switch_never_stops_a_postmaster_that_started_as_a_standby()
    {
        Assert.Equal(DeadManStep.Wait, DeadManRules.Decide(DeadManMode.Armed, 1_000, 2_000, agentAlive: true, replaced: false, 43, 42, standbyStarted: true));
        Assert.Equal(DeadManStep.Exit, DeadManRules.Decide(DeadManMode.Armed, 1_000, 2_000, agentAlive: false, replaced: false, 43, 42, standbyStarted: true));
        Assert.Equal(DeadManStep.Fire, DeadManRules.Decide(DeadManMode.Armed, 1_000, 2_000, agentAlive: true, replaced: false, 43, 42, standbyStarted: false));
    }
}
