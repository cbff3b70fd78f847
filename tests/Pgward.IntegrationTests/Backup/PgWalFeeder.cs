using Pgward.Backup;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Cluster;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// Fills a backup server's WAL archive from a server's pg_wal, in the receiver's format (<see cref="BackupLayout"/>:
/// <c>wals/&lt;first 16&gt;/&lt;segment&gt;.zst</c>, one zstd frame of the whole segment, and <c>wals/&lt;TLI&gt;.history</c>),
/// so that a catalog test need not run a receiver. The commands read it through the real <c>WalArchive</c>, and
/// recovery restores from it with the real <c>pgward backup wal-restore</c>.
/// </summary>
public sealed class PgWalFeeder(BackupLayout layout)
{
    /// <summary>Switches WAL on the server and archives every completed segment of pg_wal not yet
    /// archived (and the history files): what the receiver would have streamed by then.</summary>
    public async Task ArchiveFromPgWalAsync(string connectionString, string dataDirectory, CancellationToken ct)
    {
        await Sql.ExecuteAsync(connectionString, "SELECT pg_switch_wal()", ct);
        // Not pg_walfile_name: at a segment boundary it names the previous segment.
        var flushed = Lsn.Parse(await Sql.ScalarAsync<string>(connectionString, "SELECT pg_current_wal_flush_lsn()::text", ct));
        var timeline = Convert.ToUInt32(
            (await Sql.ScalarAsync<string>(connectionString, "SELECT pg_walfile_name(pg_current_wal_lsn())", ct))[..8], 16);
        var open = WalSegment.Containing(timeline, flushed, WalSegment.DefaultSize);
        Directory.CreateDirectory(layout.WalDirectory);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(dataDirectory, "pg_wal")))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".history", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(layout.WalDirectory, name), overwrite: true);
            }
            // Only segments before the one being written are complete; later names are recycled old files.
            else if (WalSegment.TryParse(name, WalSegment.DefaultSize, out var segment) && segment.Number < open.Number && !File.Exists(layout.ArchivedSegment(name)))
            {
                Directory.CreateDirectory(layout.WalFolder(name));
                // The receiver's own codec: a frame with its content size and checksum, so that damage is found as in a real archive.
                await File.WriteAllBytesAsync(layout.ArchivedSegment(name), SegmentCodec.Compress(await File.ReadAllBytesAsync(file, ct)), ct);
            }
        }
    }
}
