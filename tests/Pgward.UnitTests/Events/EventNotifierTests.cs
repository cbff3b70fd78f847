using System.Diagnostics;
using Pgward.Core.Events;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Events;

/// <summary>Runs real <c>/bin/sh</c> commands; each test takes well under a second.</summary>
public sealed class EventNotifierTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgward-events-").FullName;

    private static readonly EventNotification Promote = new(
        NodeId: 2,
        NodeName: "node2",
        Event: "repmgrd_failover_promote",
        Success: true,
        Timestamp: new DateTimeOffset(2026, 11, 25, 16, 32, 42, TimeSpan.Zero),
        Details: "node \"node2\" (ID: 2) promoted to primary",
        RelatedNodeId: 1);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static EventNotifier Notifier(string? command, params string[] filter) =>
        new(command, filter, TimeSpan.FromSeconds(5), TimeProvider.System);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task NotifyAsync_skips_when_no_command(string? command) =>
        Assert.Equal(
            new NotificationSkipped(NotificationSkipReason.NoCommand),
            await Notifier(command).NotifyAsync(Promote, TestContext.Current.CancellationToken));

    [Fact]
    public async Task NotifyAsync_skips_when_event_not_in_filter() =>
        Assert.Equal(
            new NotificationSkipped(NotificationSkipReason.Filtered),
            await Notifier("exit 0", "standby_register", " standby_follow ").NotifyAsync(Promote, TestContext.Current.CancellationToken));

    [Fact]
    public async Task NotifyAsync_succeeds_when_command_exits_zero_and_event_in_filter() =>
        Assert.IsType<NotificationSucceeded>(
            await Notifier("exit 0", "repmgrd_failover_promote").NotifyAsync(Promote, TestContext.Current.CancellationToken));

    [Fact]
    public async Task NotifyAsync_passes_hostile_values_verbatim_and_runs_none_of_them()
    {
        var marker = Path.Combine(_directory, "pwned");
        var output = Path.Combine(_directory, "args");
        var hostile = $"it's; rm -rf x $(touch {marker}) `touch {marker}` \"; touch {marker}; \"\nnext line";
        var e = Promote with { NodeName = hostile, Details = hostile, RelatedNodeId = null };
        var command = $"printf '[%%s]\\n' %a '%d' \"%d\" %n %p > {output}";

        var outcome = await Notifier(command).NotifyAsync(e, TestContext.Current.CancellationToken);

        Assert.IsType<NotificationSucceeded>(outcome);
        Assert.Equal($"[{hostile}]\n[{hostile}]\n[{hostile}]\n[2]\n[]\n", await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task NotifyAsync_closes_stdin_so_a_reading_command_ends()
    {
        var outcome = await Notifier("cat").NotifyAsync(Promote, TestContext.Current.CancellationToken);

        Assert.IsType<NotificationSucceeded>(outcome);
    }

    [Fact]
    public async Task NotifyAsync_fails_with_exit_code_and_stderr_when_command_exits_non_zero()
    {
        var outcome = await Notifier("echo on stdout; echo 'something broke' >&2; exit 3").NotifyAsync(Promote, TestContext.Current.CancellationToken);

        Assert.Equal(new NotificationFailed(3, "something broke"), outcome);
    }

    [Fact]
    public async Task NotifyAsync_fails_with_127_when_command_is_missing()
    {
        var outcome = await Notifier("/nonexistent/pgward-notify %n").NotifyAsync(Promote, TestContext.Current.CancellationToken);

        var failed = Assert.IsType<NotificationFailed>(outcome);
        Assert.Equal(127, failed.ExitCode);
        Assert.Contains("/nonexistent/pgward-notify", failed.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyAsync_kills_the_process_tree_when_command_outruns_timeout()
    {
        var pidFile = Path.Combine(_directory, "pid");
        var notifier = new EventNotifier($"sleep 30 & echo $! > {pidFile}; wait", [], TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var stopwatch = Stopwatch.StartNew();

        var outcome = await notifier.NotifyAsync(Promote, TestContext.Current.CancellationToken);

        Assert.Equal(new NotificationTimedOut(TimeSpan.FromMilliseconds(300)), outcome);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
        var pid = int.Parse(await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken));
        Assert.True(await IsGoneAsync(pid), $"sleep (pid {pid}) still running");
    }

    [Fact]
    public async Task NotifyAsync_throws_and_kills_command_when_caller_cancels()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Notifier("sleep 30").NotifyAsync(Promote, cts.Token));
    }

    [Fact]
    public async Task NotifyAsync_returns_promptly_when_command_leaves_a_background_process_holding_output()
    {
        var pidFile = Path.Combine(_directory, "pid");
        var stopwatch = Stopwatch.StartNew();

        var outcome = await Notifier($"sleep 3 & echo $! > {pidFile}").NotifyAsync(Promote, TestContext.Current.CancellationToken);

        Assert.IsType<NotificationSucceeded>(outcome);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
        Process.GetProcessById(int.Parse(await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken))).Kill();
    }

    /// <summary>Gone, or a zombie waiting for a reaper that a container's PID 1 may never be.</summary>
    private static async Task<bool> IsGoneAsync(int pid)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(2))
        {
            if (!PostmasterPid.ProcessAlive(pid))
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
