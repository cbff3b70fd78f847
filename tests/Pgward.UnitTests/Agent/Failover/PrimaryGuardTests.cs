using Pgward.Agent.Failover;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class PrimaryGuardTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pgward-guard-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Signal => Path.Combine(directory, "standby.signal");

    [Fact]
    public void A_primary_s_directory_is_neither_guarded_nor_a_standby_s_until_the_guard_is_set()
    {
        var guard = new PrimaryGuard(directory);
        Assert.False(guard.IsSet);
        Assert.False(guard.MarksStandby);

        guard.Set();
        Assert.True(guard.IsSet);
        Assert.False(guard.MarksStandby);
    }

    [Fact]
    public void Rejoined_standby_s_plain_signal_file_is_not_taken_for_the_guard_so_a_fence_queued_behind_the_rejoin_leaves_it_alone()
    {
        // old-primary-returns:async seed 128: the fence decided with the rejoin ran after it and guarded the standby.
        File.WriteAllText(Signal, "");
        var guard = new PrimaryGuard(directory);

        Assert.True(guard.MarksStandby);
        Assert.False(guard.IsSet);
    }
}
