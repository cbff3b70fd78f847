using System.Globalization;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;

namespace Pgward.Backup.Checks;

/// <summary>
/// Reads back every archived WAL file that recovery from the oldest kept backup needs (each segment's zstd frame and
/// its checksum, the segment's first page header, each history file's lines: <see cref="WalArchive.CheckAsync"/>),
/// from that backup's first segment on, on every timeline. <c>backup verify</c> reads only a backup's own begin-to-end
/// WAL, so damage after it went unseen until a recovery stopped there.
/// <para>
/// Reading a large archive costs minutes, so what was read sound is remembered in <see cref="BackupLayout.VerifiedWalFile"/>
/// with the file's size and modification time: the daemon's upkeep reads each new segment once, <c>backup check</c>
/// reads only what is new or changed since, and <c>backup verify --wal</c> reads everything again (damage that keeps
/// the size and the time, a disk's, is found there). Damaged files are never remembered: every check reads them again.
/// </para>
/// </summary>
public sealed class WalArchiveVerifier(BackupLayout layout, WalArchive archive)
{
    /// <param name="everything">Read every file, also those remembered as sound (<c>backup verify --wal</c>).</param>
    public async Task<WalVerification> VerifyAsync(bool everything, CancellationToken ct)
    {
        var remembered = Load();
        var sound = new Dictionary<string, string>(StringComparer.Ordinal);
        var damaged = new List<(string, string)>();
        var (read, skipped) = (0, 0);
        foreach (var (walFile, path) in Needed())
        {
            ct.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            var stamp = string.Create(CultureInfo.InvariantCulture, $"{info.Length} {info.LastWriteTimeUtc.Ticks}");
            if (!everything && remembered.GetValueOrDefault(walFile) == stamp)
            {
                sound[walFile] = stamp;
                skipped++;
                continue;
            }
            read++;
            if (await archive.CheckAsync(walFile, ct) is { } problem)
            {
                damaged.Add((walFile, problem));
            }
            else
            {
                sound[walFile] = stamp;
            }
        }
        if (!sound.OrderBy(e => e.Key, StringComparer.Ordinal).SequenceEqual(remembered.OrderBy(e => e.Key, StringComparer.Ordinal)))
        {
            AtomicFile.WriteAllText(layout.VerifiedWalFile, string.Concat(sound.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} {e.Value}\n")));
        }
        return new WalVerification(read, skipped, damaged);
    }

    /// <summary>The archived files recovery from the oldest kept backup may read, in replay order: history files, then
    /// segments and timeline-ending partials from the oldest backup's first segment (every file without a backup).</summary>
    private IEnumerable<(string WalFile, string Path)> Needed()
    {
        if (!Directory.Exists(layout.WalDirectory))
        {
            yield break;
        }
        var oldest = new BackupCatalog(layout).List().Where(b => b.Status != BackupStatus.Failed && b.BeginWal is not null)
            .Select(b => b.BeginWal!.Value.Number).DefaultIfEmpty(0UL).Min();
        foreach (var path in Directory.GetFiles(layout.WalDirectory, "*.history").Order(StringComparer.Ordinal))
        {
            if (WalFileName.TryParse(Path.GetFileName(path), archive.SegmentSize, out _))
            {
                yield return (Path.GetFileName(path), path);
            }
        }
        var segments = new List<(WalFileName Name, string WalFile, string Path)>();
        foreach (var path in Directory.EnumerateFiles(layout.WalDirectory, "*.zst", SearchOption.AllDirectories))
        {
            var walFile = Path.GetFileName(path)[..^".zst".Length];
            if (WalFileName.TryParse(walFile, archive.SegmentSize, out var name) && name.Kind != WalFileKind.History && name.Segment.Number >= oldest)
            {
                segments.Add((name, walFile, path));
            }
        }
        foreach (var (_, walFile, path) in segments.OrderBy(s => s.Name.Segment.Number).ThenBy(s => s.Name.Segment.Timeline).ThenBy(s => s.WalFile, StringComparer.Ordinal))
        {
            yield return (walFile, path);
        }
    }

    private Dictionary<string, string> Load()
    {
        var remembered = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(layout.VerifiedWalFile))
        {
            return remembered;
        }
        foreach (var line in File.ReadAllLines(layout.VerifiedWalFile))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                remembered[line[..space]] = line[(space + 1)..];
            }
        }
        return remembered;
    }
}
