using Pgward.Backup;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Cluster;
using ZstdSharp;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// A test stand-in for the receiver's WAL archive, on the format <see cref="IWalArchive"/> documents:
/// <c>wals/&lt;first 16&gt;/&lt;segment&gt;.zst</c> (one zstd frame of the whole segment) and <c>wals/&lt;TLI&gt;.history</c>.
/// <see cref="ArchiveFromPgWalAsync"/> fills it from a server's pg_wal. Replaced by the real receiver once merged.
/// </summary>
public sealed class TestWalArchive(BackupLayout layout) : IWalArchive
{
    public BackupLayout Layout => layout;

    public bool Contains(string walFileName) => File.Exists(PathOf(walFileName));

    public async Task<WalRestoreResult> RestoreAsync(string walFileName, string destinationPath, CancellationToken ct)
    {
        var path = PathOf(walFileName);
        if (!File.Exists(path))
        {
            return WalRestoreResult.Missing;
        }
        var bytes = await File.ReadAllBytesAsync(path, ct);
        if (!walFileName.EndsWith(".history", StringComparison.Ordinal))
        {
            if (Decompress(bytes) is not { } segment)
            {
                return WalRestoreResult.Damaged;
            }
            bytes = segment;
        }
        var temp = destinationPath + ".pgward-tmp";
        await File.WriteAllBytesAsync(temp, bytes, ct);
        File.Move(temp, destinationPath, overwrite: true);
        return WalRestoreResult.Restored;
    }

    public async Task<IReadOnlyList<string>> MissingSegmentsAsync(int timeline, Lsn begin, Lsn end, bool readContents, CancellationToken ct)
    {
        var missing = new List<string>();
        for (var n = begin.Value / WalSegmentId.Size; n <= end.Value / WalSegmentId.Size; n++)
        {
            var name = new WalSegmentId((uint)timeline, n).Name;
            var path = PathOf(name);
            if (!File.Exists(path) || (readContents && Decompress(await File.ReadAllBytesAsync(path, ct)) is null))
            {
                missing.Add(name);
            }
        }
        return missing;
    }

    public int DeleteSegmentsBefore(string oldestNeeded)
    {
        WalSegmentId.TryParse(oldestNeeded, out var limit);
        var deleted = 0;
        foreach (var segment in new ArchivedWalScan(layout).Segments().Where(s => s.Segment.Number < limit.Number))
        {
            File.Delete(PathOf(segment.Segment.Name));
            deleted++;
        }
        return deleted;
    }

    public long SizeOnDisk() => new ArchivedWalScan(layout).Segments().Sum(s => s.SizeOnDisk);

    /// <summary>Switches WAL on the server and archives every completed segment of pg_wal not yet
    /// archived (and the history files): what the receiver would have streamed by then.</summary>
    public async Task ArchiveFromPgWalAsync(string connectionString, string dataDirectory, CancellationToken ct)
    {
        await Sql.ExecuteAsync(connectionString, "SELECT pg_switch_wal()", ct);
        // Not pg_walfile_name: at a segment boundary it names the previous segment.
        var flushed = Lsn.Parse(await Sql.ScalarAsync<string>(connectionString, "SELECT pg_current_wal_flush_lsn()::text", ct));
        var timeline = Convert.ToUInt32(
            (await Sql.ScalarAsync<string>(connectionString, "SELECT pg_walfile_name(pg_current_wal_lsn())", ct))[..8], 16);
        var open = WalSegmentId.Holding(timeline, flushed);
        Directory.CreateDirectory(layout.WalDirectory);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(dataDirectory, "pg_wal")))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".history", StringComparison.Ordinal))
            {
                File.Copy(file, PathOf(name), overwrite: true);
            }
            // Only segments before the one being written are complete; later names are recycled old files.
            else if (WalSegmentId.TryParse(name, out var segment) && segment.Number < open.Number && !Contains(name))
            {
                Directory.CreateDirectory(layout.WalFolder(name));
                using var compressor = new Compressor(1);
                await File.WriteAllBytesAsync(PathOf(name), compressor.Wrap(await File.ReadAllBytesAsync(file, ct)).ToArray(), ct);
            }
        }
    }

    /// <summary>A restore_command script for this archive, for PostgreSQL to run (as the server account).</summary>
    public string WriteRestoreScript(string directory)
    {
        var script = Path.Combine(directory, "restore-wal.sh");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            d='{{layout.WalDirectory}}'
            case "$1" in
              *.history) [ -f "$d/$1" ] && exec cp "$d/$1" "$2"; exit 1;;
            esac
            s="$d/$(echo "$1" | cut -c1-16)/$1.zst"
            [ -f "$s" ] || exit 1
            exec zstd -q -d -f -o "$2" "$s"

            """);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        return script;
    }

    private string PathOf(string walFileName) => walFileName.EndsWith(".history", StringComparison.Ordinal)
        ? Path.Combine(layout.WalDirectory, walFileName)
        : Path.Combine(layout.WalFolder(walFileName), walFileName + ".zst");

    private static byte[]? Decompress(byte[] compressed)
    {
        try
        {
            using var decompressor = new Decompressor();
            var bytes = decompressor.Unwrap(compressed).ToArray();
            return bytes.Length == WalSegmentId.Size ? bytes : null;
        }
        catch (ZstdException)
        {
            return null;
        }
    }
}
