using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>
/// The archived WAL of one cluster (see <see cref="IWalArchive"/>), in <see cref="BackupLayout.WalDirectory"/>.
/// The receiver adds completed segments and history files; everything else reads. Files appear by rename only,
/// so a reader never sees half a file.
/// </summary>
public sealed class WalArchive(BackupLayout layout, long segmentSize = WalSegment.DefaultSize) : IWalArchive
{
    public BackupLayout Layout => layout;

    public long SegmentSize => segmentSize;

    public bool Contains(string walFileName) => PathOf(walFileName) is { } path && File.Exists(path);

    public async Task<WalRestoreResult> RestoreAsync(string walFileName, string destinationPath, CancellationToken ct) =>
        (await RestoreDetailedAsync(walFileName, destinationPath, ct)).Result;

    /// <summary>As <see cref="RestoreAsync"/>, with the reason when the file is damaged. A segment missing while later
    /// segments of its timeline are archived is a hole, reported as damaged: recovery must stop with an error there,
    /// not end quietly as if it had reached the end of the WAL.</summary>
    public async Task<WalRestoreOutcome> RestoreDetailedAsync(string walFileName, string destinationPath, CancellationToken ct)
    {
        var (path, hole) = Locate(walFileName);
        if (path is null || !WalFileName.TryParse(walFileName, segmentSize, out var name))
        {
            return hole is null ? WalRestoreOutcome.Missing : new WalRestoreOutcome(WalRestoreResult.Damaged, hole);
        }

        var (content, problem) = await ReadAsync(name, path, ct);
        if (content is null)
        {
            return new WalRestoreOutcome(WalRestoreResult.Damaged, $"archived file \"{path}\" is damaged: {problem}");
        }
        var temp = destinationPath + ".pgward-tmp";
        await File.WriteAllBytesAsync(temp, content, ct);
        File.Move(temp, destinationPath, overwrite: true);
        return WalRestoreOutcome.Restored;
    }

    /// <summary>
    /// Where the archived file <paramref name="walFileName"/> is stored (a segment or <c>.partial</c> as one zstd frame,
    /// <see cref="SegmentCodec"/>; a history file as it is); when it is not archived, null and, when its absence is a
    /// hole (later segments of its timeline are archived), the problem in words.
    /// </summary>
    public (string? Path, string? Hole) Locate(string walFileName)
    {
        if (!WalFileName.TryParse(walFileName, segmentSize, out var name) || PathOf(walFileName) is not { } path)
        {
            return (null, null);
        }
        if (File.Exists(path))
        {
            return (path, null);
        }
        return name.Kind == WalFileKind.Segment && WalContiguity.IsHole(name.Segment, Segments(), Histories(), segmentSize)
            ? (null, $"WAL segment {walFileName} is missing from the archive although later segments of timeline {name.Timeline} are archived")
            : (null, null);
    }

    /// <summary>Reads and checks one archived file; the problem when it is damaged, null when sound or absent.</summary>
    public async Task<string?> CheckAsync(string walFileName, CancellationToken ct)
    {
        if (!WalFileName.TryParse(walFileName, segmentSize, out var name) || PathOf(walFileName) is not { } path || !File.Exists(path))
        {
            return null;
        }
        return (await ReadAsync(name, path, ct)).Problem;
    }

    public async Task<IReadOnlyList<string>> MissingSegmentsAsync(int timeline, Lsn begin, Lsn end, bool readContents, CancellationToken ct)
    {
        var first = WalSegment.Containing((uint)timeline, begin, segmentSize);
        var last = WalSegment.Containing((uint)timeline, end, segmentSize);
        var missing = new List<string>();
        for (var segment = first; segment.Number <= last.Number; segment = segment.Next)
        {
            var name = segment.Name(segmentSize);
            var archived = File.Exists(layout.ArchivedSegment(name)) ? name : CoveringSegment(segment, end);
            if (archived is null || (readContents && await CheckAsync(archived, ct) is not null))
            {
                missing.Add(name);
            }
        }
        return missing;
    }

    /// <summary>The archived segment of a later timeline that holds <paramref name="segment"/>'s WAL up to
    /// <paramref name="end"/>, when its own timeline ended inside it (<see cref="WalContiguity.CoveringTimelines"/>).
    /// Without this, a backup that ended shortly before a promotion, in the segment of the switch, would wait for its
    /// WAL for ever, and backup check would report that segment as a gap for ever.</summary>
    private string? CoveringSegment(WalSegment segment, Lsn end) =>
        WalContiguity.CoveringTimelines(segment, end, Histories(), segmentSize)
            .Select(timeline => new WalSegment(timeline, segment.Number).Name(segmentSize))
            .FirstOrDefault(name => File.Exists(layout.ArchivedSegment(name)));

    public int DeleteSegmentsBefore(string oldestNeeded)
    {
        if (!WalSegment.TryParse(oldestNeeded, segmentSize, out var oldest))
        {
            throw new ArgumentException($"not a WAL segment name: \"{oldestNeeded}\"", nameof(oldestNeeded));
        }
        var deleted = 0;
        foreach (var (segment, path) in ArchivedFiles())
        {
            if (segment.Number < oldest.Number)
            {
                File.Delete(path);
                deleted++;
            }
        }
        foreach (var folder in Directory.Exists(layout.WalDirectory) ? Directory.GetDirectories(layout.WalDirectory) : [])
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        // Their summaries go with them: nothing can ask for the WAL before the oldest backup's any more.
        new WalSummaryStore(layout, segmentSize).DeleteBefore(oldest);
        return deleted;
    }

    public long SizeOnDisk() => Directory.Exists(layout.WalDirectory)
        ? new DirectoryInfo(layout.WalDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
        : 0;

    /// <summary>
    /// Compresses and archives a completed segment (or, with <paramref name="partial"/>, the unfinished last segment
    /// of a timeline that ended). A segment already archived with the same content is left as it is; with other
    /// content it is a <see cref="WalArchiveResult.Conflict"/> and nothing changes: WAL is never silently replaced.
    /// </summary>
    public async Task<WalArchiveResult> ArchiveSegmentAsync(WalSegment segment, ReadOnlyMemory<byte> content, bool partial, CancellationToken ct)
    {
        var name = segment.Name(segmentSize);
        var path = partial ? layout.ArchivedPartial(name) : layout.ArchivedSegment(name);
        if (File.Exists(path))
        {
            // A sound copy decides; a damaged one (the disk, or a crash outside our temp-file protocol) is replaced by
            // the segment just streamed whole.
            var (existing, _) = SegmentCodec.Decompress(await File.ReadAllBytesAsync(path, ct), segmentSize, expectedStart: null);
            if (existing is not null)
            {
                return existing.AsSpan().SequenceEqual(content.Span) ? WalArchiveResult.AlreadyArchived : WalArchiveResult.Conflict;
            }
        }
        await DurableFile.WriteAsync(path, SegmentCodec.Compress(content.Span), ct);
        return WalArchiveResult.Archived;
    }

    /// <summary>Archives a timeline history file; the same name with other content is a conflict (two promotions
    /// chose the same timeline), and the archived one is kept.</summary>
    public async Task<WalArchiveResult> ArchiveHistoryAsync(uint timeline, byte[] content, CancellationToken ct)
    {
        var path = layout.HistoryFile(timeline);
        if (File.Exists(path))
        {
            return (await File.ReadAllBytesAsync(path, ct)).AsSpan().SequenceEqual(content)
                ? WalArchiveResult.AlreadyArchived
                : WalArchiveResult.Conflict;
        }
        await DurableFile.WriteAsync(path, content, ct);
        return WalArchiveResult.Archived;
    }

    /// <summary>Every archived completed segment, in replay order (position, then timeline).</summary>
    public IReadOnlyList<WalSegment> Segments() => [.. ArchivedFiles().Where(f => f.Path.EndsWith(".zst", StringComparison.Ordinal)
        && !f.Path.EndsWith(".partial.zst", StringComparison.Ordinal)).Select(f => f.Segment).Order()];

    /// <summary>The archived history files: for each timeline, where its parent timelines ended.</summary>
    public IReadOnlyDictionary<uint, IReadOnlyList<TimelineHistoryEntry>> Histories()
    {
        var histories = new Dictionary<uint, IReadOnlyList<TimelineHistoryEntry>>();
        foreach (var path in Directory.Exists(layout.WalDirectory) ? Directory.GetFiles(layout.WalDirectory, "*.history") : [])
        {
            if (WalFileName.TryParse(Path.GetFileName(path), segmentSize, out var name) && name.Kind == WalFileKind.History)
            {
                try
                {
                    histories[name.Timeline] = TimelineHistory.Parse(File.ReadAllText(path));
                }
                catch (FormatException)
                {
                    // A damaged history file is reported by CheckAsync and restore; here it just tells nothing.
                }
            }
        }
        return histories;
    }

    private string? PathOf(string walFileName)
    {
        if (!WalFileName.TryParse(walFileName, segmentSize, out var name))
        {
            return null;
        }
        return name.Kind switch
        {
            WalFileKind.Segment => layout.ArchivedSegment(walFileName),
            WalFileKind.Partial => layout.ArchivedPartial(walFileName[..24]),
            _ => layout.HistoryFile(name.Timeline),
        };
    }

    /// <summary>An archived completed segment's bytes, decompressed and checked; the problem when it is damaged, neither
    /// when it is not archived.</summary>
    public (byte[]? Content, string? Problem) ReadSegment(WalSegment segment)
    {
        var path = layout.ArchivedSegment(segment.Name(segmentSize));
        return File.Exists(path) ? SegmentCodec.Decompress(File.ReadAllBytes(path), segmentSize, segment.Start(segmentSize).Value) : (null, null);
    }

    private async Task<(byte[]? Content, string? Problem)> ReadAsync(WalFileName name, string path, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(path, ct);
        if (name.Kind == WalFileKind.History)
        {
            try
            {
                TimelineHistory.Parse(System.Text.Encoding.UTF8.GetString(bytes));
                return (bytes, null);
            }
            catch (FormatException e)
            {
                return (null, e.Message);
            }
        }
        return SegmentCodec.Decompress(bytes, segmentSize, name.Segment.Start(segmentSize).Value);
    }

    private IEnumerable<(WalSegment Segment, string Path)> ArchivedFiles()
    {
        if (!Directory.Exists(layout.WalDirectory))
        {
            yield break;
        }
        foreach (var folder in Directory.GetDirectories(layout.WalDirectory))
        {
            foreach (var path in Directory.GetFiles(folder, "*.zst"))
            {
                if (WalSegment.TryParse(Path.GetFileName(path)[..Math.Min(24, Path.GetFileName(path).Length)], segmentSize, out var segment))
                {
                    yield return (segment, path);
                }
            }
        }
    }
}
