using System.Buffers;
using Pgward.Backup.Checks;
using Pgward.Backup.Files;
using Pgward.Core.Checksums;
using Pgward.Core.IO;

namespace Pgward.Backup.Base;

/// <summary>
/// Stores the files of one files backup as the agent's frames arrive (<see cref="FrameTag"/>): a whole file as
/// <c>&lt;name&gt;.lz4</c>, a file sent as its changed blocks as <c>&lt;name&gt;.patch</c> over the parent's copy
/// (<see cref="BlockPatch"/>), each with its block map when the agent sent one; links the parent's copy (and map)
/// instead when the file turns out unchanged. Used by the parallel jobs of <see cref="FilesBackupCopier"/> at once.
/// </summary>
/// <param name="data">The new backup's data directory (<c>base/&lt;id&gt;/data</c>).</param>
/// <param name="parentId">The parent backup, null for a full backup.</param>
public sealed class StoredFileReceiver(string data, string? parentId, Dictionary<string, ParentCopy> parentFiles, FilesCopyTally tally)
{
    private readonly string root = StoredFiles.Root(data);

    public FilesCopyTally Tally => tally;

    public ParentCopy? ParentOf(string path) => parentFiles.GetValueOrDefault(path);

    /// <summary>The parent's block map to send with a request for <paramref name="file"/>, when its next copy may be a patch:
    /// the parent's copy has a map, the file is large enough to have one, and the chain is not at
    /// <see cref="BlockPatch.MaxDepth"/> (then the file is sent whole and the chain starts again).</summary>
    public static byte[]? ParentMapFor(ParentCopy? parent, ListedFile file) =>
        PatchBaseMap(parent, file) is { } map ? File.ReadAllBytes(map) : null;

    /// <summary>The path of the map <see cref="ParentMapFor"/> would read, null when it would give none.</summary>
    public static string? PatchBaseMap(ParentCopy? parent, ListedFile file) =>
        parent is { Map: { } map } && parent.Depth < BlockPatch.MaxDepth && file.Size >= BlockMap.Threshold && File.Exists(map) ? map : null;

    /// <summary>Whether the map at <paramref name="path"/> has CRCs (<see cref="BlockMap.HasCrcsHeader"/>), from its
    /// first bytes alone: an incremental planned by the WAL never reads the rest, which the receiver merges with.</summary>
    public static bool MapHasCrcs(string path)
    {
        using var map = File.OpenHandle(path);
        Span<byte> header = stackalloc byte[8];
        return RandomAccess.Read(map, header, 0) == header.Length && BlockMap.HasCrcsHeader(header);
    }

    /// <summary>Links the parent's copy (and its map) as this backup's copy of <paramref name="file"/>.</summary>
    public void LinkParent(ParentCopy parent, ListedFile file, bool read)
    {
        var target = Path.Combine(root, file.Path + Path.GetExtension(parent.Stored));
        HardLink.Create(parent.Stored, target);
        if (parent.Map is { } map && File.Exists(map))
        {
            HardLink.Create(map, StoredFiles.MapOf(root, file.Path));
        }
        tally.AddLinked(parent.Entry with { LastModified = Modified(file) }, new FileInfo(target).Length, read, parent.PatchBase);
    }

    public async Task ReceiveAsync(FrameReader reader, FetchItem item, ListedFile listed, CancellationToken ct)
    {
        var target = StoredFiles.Of(root, item.Path);
        var mapPath = StoredFiles.MapOf(root, item.Path);
        byte[]? map = null;
        BlockMapDelta? delta = null;
        FileStream? output = null;
        var writtenBack = 0L;
        var dropped = 0L;
        try
        {
            while (true)
            {
                var frame = await reader.ReadAsync(ct);
                switch (frame.Tag)
                {
                    case FrameTag.Data:
                        output ??= new FileStream(target, BackupFileModes.NewFile(FileMode.CreateNew));
                        await output.WriteAsync(frame.Data, ct);
                        var started = StartWriteback(output, writtenBack, WritebackStep);
                        if (started != writtenBack)
                        {
                            // The step before this one had a step's time to reach the disk: it leaves the cache now.
                            DurableFile.DropWritten(output.SafeFileHandle, dropped, writtenBack - dropped);
                            (dropped, writtenBack) = (writtenBack, started);
                        }
                        break;
                    case FrameTag.BlockMap:
                        map = frame.Data.ToArray();
                        break;
                    case FrameTag.BlockMapDelta:
                        delta = ParseDelta(item.Path, frame.Data.Span);
                        break;
                    case FrameTag.Stored or FrameTag.Patched:
                        output ??= new FileStream(target, BackupFileModes.NewFile(FileMode.CreateNew));
                        var parent = ParentOf(item.Path);
                        ManifestFile entry;
                        int? changed, differing;
                        if (delta is not null)
                        {
                            // The agent sent no checksum: the file's CRC-32C is that of the new map's blocks.
                            var merged = Merge(item.Path, frame, parent, delta);
                            entry = new ManifestFile(item.Path, frame.Size, FrameChecksums.Crc32C, Crc32C.ToManifestHex(merged.Map.FileCrc()), Modified(listed));
                            (map, changed, differing) = (merged.Map.ToBytes(), delta.Indices.Length, merged.Differing);
                        }
                        else
                        {
                            entry = new ManifestFile(item.Path, frame.Size, FrameChecksums.AlgorithmOf(frame.Checksum), frame.Checksum, Modified(listed));
                            changed = differing = frame.Tag == FrameTag.Patched && map is not null && item.ParentMap is not null
                                ? ChangedBlocks(BlockMap.Parse(item.ParentMap), BlockMap.Parse(map))
                                : null;
                        }
                        if (parent is not null && SameContent(parent.Entry, entry, differing))
                        {
                            // Rewritten with the same bytes: share the parent's copy rather than store a second one.
                            await output.DisposeAsync();
                            File.Delete(target);
                            LinkParent(parent, listed, read: true);
                            return;
                        }
                        if (map is not null)
                        {
                            await File.WriteAllBytesAsync(mapPath, map, ct);
                        }
                        if (frame.Tag == FrameTag.Stored)
                        {
                            await output.FlushAsync(ct);
                            StartWriteback(output, writtenBack, 1);
                            tally.AddStored(entry, output.Length);
                            return;
                        }
                        // Read by the WAL's plan: the agent read the blocks it sent (and a few between), not the file.
                        await StorePatchAsync(output, item, parent, entry, changed, map, delta is null ? null : delta.Indices.Length * (long)BlockMap.BlockSize, ct);
                        return;
                    case FrameTag.Unchanged:
                        var same = ParentOf(item.Path) ?? throw new AgentSessionException($"{item.Path}: the agent called it unchanged but the parent has no copy");
                        // The checksum the agent was given: the parent manifest's, or a SHA-256 of the parent's copy
                        // (ReuseAction.CompareByContent).
                        if (frame.Size != same.Entry.Size || !string.Equals(frame.Checksum, item.ParentChecksum ?? same.Entry.Checksum, StringComparison.OrdinalIgnoreCase))
                        {
                            throw new AgentSessionException($"{item.Path}: the agent called it unchanged but its checksum differs from the parent's");
                        }
                        LinkParent(same, listed, read: true);
                        return;
                    case FrameTag.Vanished:
                        return;
                    default:
                        throw new AgentSessionException($"the agent could not read {item.Path}: {frame.Message}");
                }
            }
        }
        finally
        {
            if (output is not null)
            {
                await output.DisposeAsync();
            }
        }
    }

    /// <summary>How much of a stored file is written before its disk write is started (without waiting for it). Each time
    /// one is started, the one before it, by then on disk, is dropped from the page cache: a backup is written once and
    /// not read again soon, and the cache keeps what the host's other work reads. It also makes each backup write into
    /// memory the last step freed: on a virtual machine, writing into pages the guest has not touched lately costs a fault
    /// to the host each (450 MB/s against 1.9 GB/s on the benchmarks' machine; BENCHMARKS.md, issue 16).</summary>
    private const long WritebackStep = 8L << 20;

    /// <summary>Starts the disk write of what <paramref name="output"/> holds past <paramref name="from"/> when that is
    /// <paramref name="step"/> bytes or more; returns where the next should start. The backup's syncfs at the end then
    /// waits for little rather than for the whole backup (measured at scale 100, 487 MB stored: 0.27-0.28 s before,
    /// 0.004-0.017 s after).</summary>
    private static long StartWriteback(FileStream output, long from, long step)
    {
        var end = output.Position;
        if (end - from < step)
        {
            return from;
        }
        DurableFile.StartWriteback(output.SafeFileHandle, from, end - from);
        return end;
    }

    /// <summary>Ends the received records with the trailer and names the file a patch; stores it whole instead when the
    /// patch holds more than half of the file's blocks (<see cref="BlockPatch.WorthKeeping"/>).</summary>
    private async Task StorePatchAsync(FileStream output, FetchItem item, ParentCopy? parent, ManifestFile entry, int? changed, byte[]? map, long? read,
        CancellationToken ct)
    {
        if (parent is null || parentId is null || changed is null || map is null)
        {
            throw new AgentSessionException($"{item.Path}: the agent sent changed blocks without a parent map to lie over, or without its new map");
        }
        await output.WriteAsync(BlockPatch.Trailer(parentId, parent.Depth + 1, entry.Size), ct);
        await output.DisposeAsync();
        var patchPath = StoredFiles.PatchOf(root, item.Path);
        File.Move(StoredFiles.Of(root, item.Path), patchPath);
        if (BlockPatch.WorthKeeping(changed.Value, BlockMap.Parse(map).Count))
        {
            tally.AddPatched(entry, new FileInfo(patchPath).Length, parentId, read);
            return;
        }
        var compressed = await Task.Run(() => StoreWhole(item.Path, entry), ct);
        File.Delete(patchPath);
        tally.AddStored(entry, compressed, read);
    }

    private static BlockMapDelta ParseDelta(string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return BlockMapDelta.Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new AgentSessionException($"{path}: the agent sent a damaged block map delta: {e.Message}");
        }
    }

    /// <summary>The new map of a file the agent sent as the blocks the WAL named, with their entries
    /// (<see cref="BlockMapDelta"/>): laid over the parent's map; and how many of the blocks sent differ from the
    /// parent's copy.</summary>
    private static (BlockMap Map, int Differing) Merge(string path, Frame end, ParentCopy? parent, BlockMapDelta delta)
    {
        if (end.Tag != FrameTag.Patched || parent?.Map is not { } mapPath || end.Size != delta.Length)
        {
            throw new AgentSessionException($"{path}: the agent sent a block map delta without a parent copy to lie over, or of another length than the file's");
        }
        try
        {
            var before = BlockMap.Parse(File.ReadAllBytes(mapPath));
            var after = delta.Apply(before);
            return (after, delta.Indices.Count(i => !before.Matches(i, BlockMap.BlockLength(after.Length, i), after.Hashes[i])));
        }
        catch (InvalidDataException e)
        {
            throw new AgentSessionException($"{path}: the agent's block map delta does not fit the parent's map: {e.Message}");
        }
    }

    /// <summary>The blocks of <paramref name="now"/> that <paramref name="parent"/> does not hold (as the agent decided
    /// which to send).</summary>
    private static int ChangedBlocks(BlockMap parent, BlockMap now) =>
        Enumerable.Range(0, now.Count).Count(i => !parent.Matches(i, BlockMap.BlockLength(now.Length, i), now.Hashes[i]));

    /// <summary>Whether the file just read holds its parent's copy's bytes, so that the copy may be shared. An equal
    /// SHA-256 proves it. An equal CRC-32C alone does not (32 bits: one changed file in four billion would pass); with
    /// it, the file must also have come as a patch of no blocks: every 8 KiB block's 64-bit hash and the length equal
    /// the parent's map, the same evidence a patch's unsent blocks rest on.</summary>
    /// <param name="changed">For a patch, the blocks it holds; null for a file sent whole.</param>
    public static bool SameContent(ManifestFile parent, ManifestFile now, int? changed) =>
        parent.Size == now.Size && parent.Algorithm == now.Algorithm
        && string.Equals(parent.Checksum, now.Checksum, StringComparison.OrdinalIgnoreCase)
        && (now.Algorithm == FrameChecksums.Sha256 || changed == 0);

    /// <summary>Rebuilds the file from its patch chain into <c>&lt;name&gt;.lz4</c>, checking it against the checksum the
    /// agent computed; returns the compressed size.</summary>
    private long StoreWhole(string path, ManifestFile entry)
    {
        var target = StoredFiles.Of(root, path);
        var input = ArrayPool<byte>.Shared.Rent(1 << 20);
        var output = ArrayPool<byte>.Shared.Rent(Lz4BlockFrame.MaxEncodedLength(1 << 20));
        try
        {
            using var hash = new FileChecksum(entry.Algorithm);
            using (var rebuilt = StoredCopy.Open(data, path))
            using (var file = new FileStream(target, BackupFileModes.NewFile(FileMode.CreateNew)))
            {
                file.Write(Lz4BlockFrame.Header.Span);
                int read;
                while ((read = rebuilt.ReadAtLeast(input.AsSpan(0, 1 << 20), 1 << 20, throwOnEndOfStream: false)) > 0)
                {
                    hash.Append(input.AsSpan(0, read));
                    file.Write(output, 0, Lz4BlockFrame.Encode(input.AsSpan(0, read), output));
                }
                file.Write(Lz4BlockFrame.EndMark.Span);
            }
            var sum = hash.ToManifestHex();
            if (!string.Equals(sum, entry.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new AgentSessionException($"{path}: rebuilt from its changed blocks, its {entry.Algorithm} is {sum}, but the agent read {entry.Checksum}");
            }
            return new FileInfo(target).Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private static DateTimeOffset Modified(ListedFile file) => DateTimeOffset.FromUnixTimeMilliseconds(file.MtimeMs);
}
