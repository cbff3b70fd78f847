using Pgward.Backup;
using Pgward.Backup.Checks;
using Pgward.Backup.Wal;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal;

public sealed class WalArchiveVerifierTests : IDisposable
{
    private static readonly DateTime ArchivedAt = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _dir = new();
    private readonly WalArchive _archive;
    private readonly WalArchiveVerifier _verifier;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public WalArchiveVerifierTests()
    {
        var layout = new BackupLayout(_dir.File("backup"));
        _archive = new WalArchive(layout);
        _verifier = new WalArchiveVerifier(layout, _archive);
    }

    public void Dispose() => _dir.Dispose();

    private async Task<string> ArchiveAsync(string name)
    {
        var segment = FakeSegment.Parse(name);
        await _archive.ArchiveSegmentAsync(segment, FakeSegment.Create(segment), partial: false, _ct);
        var path = _archive.Layout.ArchivedSegment(name);
        File.SetLastWriteTimeUtc(path, ArchivedAt);
        return path;
    }

    private static (int Read, int Remembered, int Damaged) Counts(WalVerification result) => (result.Read, result.Remembered, result.Damaged.Count);

    private static async Task FlipMiddleByteAsync(string path, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(path, ct);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, ct);
    }

    [Fact]
    public async Task Each_segment_is_read_once_and_a_segment_rewritten_since_is_read_again_and_named()
    {
        await ArchiveAsync("000000010000000000000003");
        var middle = await ArchiveAsync("000000010000000000000004");
        await ArchiveAsync("000000010000000000000005");

        Assert.Equal((3, 0, 0), Counts(await _verifier.VerifyAsync(everything: false, _ct)));
        Assert.Equal((0, 3, 0), Counts(await _verifier.VerifyAsync(everything: false, _ct)));

        await FlipMiddleByteAsync(middle, _ct);
        var result = await _verifier.VerifyAsync(everything: false, _ct);

        Assert.Equal(1, result.Read);
        Assert.Equal("000000010000000000000004", Assert.Single(result.Damaged).WalFile);
        // A damaged segment is never remembered as sound: the next check names it again.
        Assert.Equal("000000010000000000000004", Assert.Single((await _verifier.VerifyAsync(everything: false, _ct)).Damaged).WalFile);
    }

    [Fact]
    public async Task Damage_that_keeps_size_and_time_is_found_by_reading_everything()
    {
        await ArchiveAsync("000000010000000000000003");
        var path = await ArchiveAsync("000000010000000000000004");
        await _verifier.VerifyAsync(everything: false, _ct);

        await FlipMiddleByteAsync(path, _ct);
        File.SetLastWriteTimeUtc(path, ArchivedAt);

        Assert.True((await _verifier.VerifyAsync(everything: false, _ct)).Succeeded);
        var all = await _verifier.VerifyAsync(everything: true, _ct);
        Assert.Equal(2, all.Read);
        Assert.Equal("000000010000000000000004", Assert.Single(all.Damaged).WalFile);
    }
}
