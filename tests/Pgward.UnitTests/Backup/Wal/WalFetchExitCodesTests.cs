using Pgward.Backup.Wal;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class WalFetchExitCodesTests
{
    [Theory]
    [InlineData(WalFetchResult.Restored, false, 0)]
    [InlineData(WalFetchResult.Restored, true, 0)]
    [InlineData(WalFetchResult.Missing, false, 1)]
    [InlineData(WalFetchResult.Missing, true, 1)]
    [InlineData(WalFetchResult.Damaged, false, 200)]
    [InlineData(WalFetchResult.Damaged, true, 200)]
    // A standby keeps streaming through a backup server outage; archive recovery stops rather than end short of its target.
    [InlineData(WalFetchResult.Unavailable, true, 1)]
    [InlineData(WalFetchResult.Unavailable, false, 201)]
    [InlineData(WalFetchResult.Failed, false, 201)]
    [InlineData(WalFetchResult.Failed, true, 201)]
    public void Exit_codes_are_what_restore_command_needs(WalFetchResult result, bool standbyMode, int code) =>
        Assert.Equal(code, WalFetchExitCodes.For(result, standbyMode));

    [Fact]
    public void Codes_that_must_stop_recovery_are_above_125() =>
        Assert.All(new[] { WalRestoreExitCodes.Damaged, WalRestoreExitCodes.Failed }, code => Assert.InRange(code, 126, 255));
}
