using Microsoft.Extensions.Logging.Abstractions;
using Pgward.Agent.Failover;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class SignalWatchTests : IDisposable
{
    private readonly TempDirectory data = new();

    public void Dispose() => data.Dispose();

    private string DataDirectory => data.Path;

    private string Signal => data.File("standby.signal");

    [Fact]
    public async Task The_removal_of_standby_signal_is_reported_as_it_happens()
    {
        File.WriteAllText(Signal, "");
        var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = new SignalWatch(DataDirectory, () => removed.TrySetResult(), NullLogger.Instance);
        Assert.True(watch.Working);

        File.Delete(Signal); // what PostgreSQL does when it is promoted
        await removed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Other_files_of_the_data_directory_are_not_reported()
    {
        File.WriteAllText(Signal, "");
        var removals = 0;
        var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = new SignalWatch(DataDirectory, () =>
        {
            Interlocked.Increment(ref removals);
            removed.TrySetResult();
        }, NullLogger.Instance);
        var other = Path.Combine(DataDirectory, "postmaster.pid");
        File.WriteAllText(other, "1\n");
        File.Delete(other);
        // Events come in order on the watch's thread: once the signal's removal is reported, the others were seen.
        File.Delete(Signal);
        await removed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(1, Volatile.Read(ref removals));
    }

    [Fact]
    public void A_data_directory_that_is_not_there_leaves_the_watch_not_working()
    {
        using var watch = new SignalWatch(Path.Combine(DataDirectory, "missing"), () => { }, NullLogger.Instance);
        Assert.False(watch.Working);
    }
}
