using Pgward.Backup.Base;
using Pgward.Backup.Files;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class ManifestWriterTests
{
    [Fact]
    public void Render_writes_a_manifest_that_the_parser_reads_back_with_a_matching_checksum()
    {
        var modified = new DateTimeOffset(2026, 12, 5, 4, 13, 8, TimeSpan.Zero);
        var text = ManifestWriter.Render(
            [new ManifestFile("global/pg_control", 8192, "SHA256", "00ff", modified), new ManifestFile("PG_VERSION", 3, "SHA256", "abcd", modified)],
            [new ManifestWalRange(2, Lsn.Parse("0/3000028"), Lsn.Parse("0/3000100"))]);

        var manifest = BackupManifest.Parse(text);
        Assert.True(BackupManifest.ChecksumMatches(text, manifest.ManifestChecksum));
        Assert.Equal(["PG_VERSION", "global/pg_control"], manifest.Files.Select(f => f.Path));
        Assert.Equal(modified, manifest.Files[0].LastModified);
        Assert.Equal(new ManifestWalRange(2, Lsn.Parse("0/3000028"), Lsn.Parse("0/3000100")), Assert.Single(manifest.WalRanges));
        Assert.StartsWith("{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [\n{ \"Path\": \"PG_VERSION\", \"Size\": 3, \"Last-Modified\": \"2026-12-05 04:13:08 GMT\"", text);
        Assert.False(BackupManifest.ChecksumMatches(text.Replace("\"Size\": 3", "\"Size\": 4", StringComparison.Ordinal), manifest.ManifestChecksum));
    }
}
