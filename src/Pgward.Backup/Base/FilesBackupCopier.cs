using System.Buffers;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using System.Globalization;
using System.Text;
using Pgward.Backup.Catalog;
using Pgward.Backup.Checks;
using Pgward.Backup.Files;
using Pgward.Backup.Wal.Summary;
using Pgward.Core.Checksums;
using Pgward.Core.IO;
using Pgward.Core.Reporting;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Base;

/// <summary>
/// Takes a files backup through the node's agent (<see cref="AgentBackupClient"/>): starts the session, hard-links
/// what <see cref="ReuseDecision"/> proves unchanged since the parent, fetches the rest with <c>parallel_jobs</c>
/// requests at once (the agent answers a file it finds equal to the parent's copy without its bytes: linked too; a
/// changed file with a parent block map comes as its changed blocks: <see cref="StoredFileReceiver"/>),
/// stops the session and writes backup_label, tablespace_map and the manifest. Throws
/// <see cref="AgentSessionException"/> (or an I/O exception) when the backup cannot be completed; the caller marks it FAILED.
/// </summary>
public sealed class FilesBackupCopier(BackupServer server)
{
    private const long ProgressStep = 256L << 20;

    public async Task<BackupInfo> CopyAsync(BackupSource source, BackupInfo info, BackupInfo? parent, CancellationToken ct)
    {
        var ctx = server.Context;
        var url = source.AgentUrl!;
        using var client = new AgentBackupClient(ctx.Options, ctx.Time);
        var start = await client.StartAsync(url, info.Id, Math.Max(1, server.Settings.ParallelJobs), ct);
        var stopped = false;
        try
        {
            var data = server.Catalog.DataDirectory(info.Id);
            var root = StoredFiles.Root(data);
            BackupFileModes.CreateDirectory(root);
            foreach (var directory in start.Directories)
            {
                BackupFileModes.CreateDirectory(Path.Combine(root, directory));
            }
            var tally = new FilesCopyTally();
            var receiver = new StoredFileReceiver(data, parent?.Id, ParentFiles(parent), tally);
            var threshold = LsnDelta.Threshold(parent, source.Name, start);
            await CopyFilesAsync(client, url, start, receiver, parent is null ? null : server.Catalog.DataDirectory(parent.Id), ParentListTime(parent, source),
                threshold is null ? null : (parent!, threshold.Value), ct);

            var stop = await client.StopAsync(url, start.Session, ct);
            stopped = true;
            var (startLsn, timeline) = BackupLabel.Parse(stop.BackupLabel);
            var endLsn = Lsn.Parse(stop.StopLsn);
            var now = ctx.Time.GetUtcNow();
            var labelBytes = await StoreTextAsync(root, "backup_label", stop.BackupLabel, now, tally, ct);
            if (stop.TablespaceMap.Length > 0)
            {
                labelBytes += await StoreTextAsync(root, "tablespace_map", stop.TablespaceMap, now, tally, ct);
            }
            var manifest = ManifestWriter.Render(tally.Entries, [new ManifestWalRange(timeline, startLsn, endLsn)]);
            await File.WriteAllTextAsync(Path.Combine(data, BackupManifest.FileName), manifest, ct);
            // On disk before the catalog counts the backup (as pg_basebackup syncs what it wrote): the stored files
            // were written without an fsync each, and a backup server that crashed now would otherwise keep a backup
            // recorded whole whose files are empty or torn.
            DurableFile.SyncFileSystem(data);
            ctx.Reporter.Notice($"backup {info.Id}: {tally.Sent} files sent ({ByteSize.Format(tally.StoredBytes)} stored), "
                + (parent is null ? "a full backup" : $"{tally.Linked} linked unread and {tally.Unchanged} found unchanged by checksum from {parent.Id} ({ByteSize.Format(tally.LinkedBytes)})"
                    + (tally.Patched > 0 ? $"; {tally.Patched} sent as changed blocks over {parent.Id}'s copies" : "")));
            return info with
            {
                Status = BackupStatus.WaitingForWals,
                Pid = null,
                Timeline = timeline,
                BeginLsn = startLsn,
                EndLsn = endLsn,
                EndTime = ctx.Time.GetUtcNow(),
                Size = tally.StoredBytes + Encoding.UTF8.GetByteCount(manifest),
                LinkedSize = tally.LinkedBytes,
                DataSize = tally.Entries.Sum(e => e.Size),
                ListTime = DateTimeOffset.FromUnixTimeMilliseconds(start.ListedAtMs),
                DataChecksums = start.DataChecksums,
                PatchBases = tally.PatchBases,
            };
        }
        finally
        {
            if (!stopped)
            {
                await client.AbortAsync(url, start.Session);
            }
        }
    }

    /// <param name="parentData">The parent backup's data directory, where its stored copies are.</param>
    private async Task CopyFilesAsync(AgentBackupClient client, string url, SessionStartReply start, StoredFileReceiver receiver, string? parentData,
        DateTimeOffset? parentListTime, (BackupInfo Parent, Lsn Below)? lsnRule, CancellationToken ct)
    {
        var fetch = new List<(FetchItem Item, long Size)>();
        var links = new List<(ParentCopy Parent, ListedFile File)>();
        var changed = new List<(ListedFile File, ParentCopy? Parent, string? Map, string? Below)>();
        var tally = receiver.Tally;
        var listed = start.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var file in start.Files)
        {
            var parent = receiver.ParentOf(file.Path);
            var wantsMap = file.Size >= BlockMap.Threshold;
            var action = ReuseDecision.Decide(file, parent?.Entry, parentListTime);
            string? contentHash = null;
            if (action == ReuseAction.CompareByContent && (contentHash = ContentHash(parentData!, parent!)) is null)
            {
                action = ReuseAction.Send;
            }
            switch (action)
            {
                case ReuseAction.Link:
                    links.Add((parent!, file));
                    break;
                case ReuseAction.CompareByContent:
                    fetch.Add((new FetchItem(file.Path, parent!.Entry.Size, contentHash, Algorithm: FrameChecksums.Crc32C, MapCrcs: true), file.Size));
                    break;
                case ReuseAction.Compare:
                    fetch.Add((new FetchItem(file.Path, parent!.Entry.Size, parent.Entry.Checksum, wantsMap, StoredFileReceiver.ParentMapFor(parent, file),
                        FrameChecksums.Crc32C, MapCrcs: true), file.Size));
                    break;
                default:
                    var map = StoredFileReceiver.PatchBaseMap(parent, file);
                    var below = lsnRule is { Below: var lsn } && map is not null
                        && StoredFileReceiver.MapHasCrcs(map) && LsnDelta.Applies(file, listed, path => receiver.ParentOf(path)?.Entry)
                        ? lsn.ToString()
                        : null;
                    changed.Add((file, parent, map, below));
                    break;
            }
        }
        var changes = lsnRule is { Parent: var parentInfo } ? await WalChangesAsync(parentInfo, start, changed.Where(c => c.Below is not null).Sum(c => c.File.Size), ct) : null;
        foreach (var (file, parent, map, below) in changed)
        {
            // With the WAL's plan, no map crosses the network, nor is read here: the agent sends the entries of the
            // blocks it read, and the receiver lays them over the parent's map (BlockMapDelta).
            var plan = below is not null ? PlanOf(file, parent!.Entry, changes) : null;
            var wantsMap = file.Size >= BlockMap.Threshold;
            var blocks = (int)Math.Min(int.MaxValue, file.Size / BlockMap.BlockSize);
            if (plan is not null && !BlockPatch.WorthKeeping(plan.BlocksSent(blocks), blocks))
            {
                // More than half the file changed: its patch would be rebuilt into a whole copy here (the parent's
                // decompressed, the patch laid over it, all compressed again), so the agent sends it whole at once.
                fetch.Add((new FetchItem(file.Path, WantsMap: wantsMap, Algorithm: FrameChecksums.Crc32C, MapCrcs: true), file.Size));
                continue;
            }
            fetch.Add((plan is null
                ? new FetchItem(file.Path, WantsMap: wantsMap, ParentMap: map is null ? null : File.ReadAllBytes(map),
                    Algorithm: FrameChecksums.Crc32C, MapCrcs: true, UnchangedBelowLsn: below)
                : new FetchItem(file.Path, WantsMap: wantsMap, Algorithm: FrameChecksums.Crc32C, MapCrcs: true, UnchangedBelowLsn: below,
                    WalBlocks: [.. plan.Blocks], WalReadFrom: plan.ReadFrom, MapDelta: true), file.Size));
        }
        var batches = FileBatches.Split(fetch);
        var next = -1;
        var reported = 0L;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        async Task WorkAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                using var response = await client.FilesAsync(url, start.Session, new FetchRequest(batches[index]), failed.Token);
                await using var body = await response.Content.ReadAsStreamAsync(failed.Token);
                var reader = new FrameReader(body);
                foreach (var item in batches[index])
                {
                    await receiver.ReceiveAsync(reader, item, listed[item.Path], failed.Token);
                    var read = tally.ReadBytes;
                    if (read - Interlocked.Read(ref reported) >= ProgressStep)
                    {
                        Interlocked.Exchange(ref reported, read);
                        server.Context.Reporter.Progress($"{read >> 20} MiB read by the agent, {tally.StoredBytes >> 20} MiB stored");
                    }
                }
            }
        }
        // The links (a thousand files unchanged after a small change: 30 ms of system calls) are made while the agent
        // reads the changed files.
        void Link()
        {
            foreach (var (parent, file) in links)
            {
                failed.Token.ThrowIfCancellationRequested();
                receiver.LinkParent(parent, file, read: false);
            }
        }
        async Task GuardedAsync(Func<Task> work)
        {
            try
            {
                await work();
            }
            catch
            {
                // The other jobs stop at once: the backup has failed.
                await failed.CancelAsync();
                throw;
            }
        }
        var jobs = Enumerable.Range(0, Math.Max(1, server.Settings.ParallelJobs)).Select(_ => GuardedAsync(WorkAsync)).ToList();
        jobs.Add(GuardedAsync(() => Task.Run(Link, failed.Token)));
        try
        {
            await Task.WhenAll(jobs);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A job failed and cancelled the others: its exception is the one to report.
            throw jobs.Select(j => j.Exception?.InnerException).First(e => e is not null and not OperationCanceledException)!;
        }
    }

    /// <summary>What the WAL from the parent's start to this backup's says changed: the receiver's summaries of the
    /// segments it archived (<see cref="Wal.ArchivedWalSummary.Stored"/>), and the WAL they do not cover yet decoded
    /// (<see cref="Wal.ArchivedWalSummary"/>). Null, and every block of a changed file is read, with
    /// <c>wal_summaries = off</c>, when the WAL left to decode costs more than the <paramref name="tableBytes"/> of changed
    /// table files it would spare (<c>auto</c>, <see cref="WalBlockPlan.WorthReading"/>), or when the archive cannot tell
    /// (a receiver that is not running, or damaged WAL).</summary>
    private async Task<WalBlockSummary?> WalChangesAsync(BackupInfo parent, SessionStartReply start, long tableBytes, CancellationToken ct)
    {
        var to = Lsn.Parse(start.StartLsn);
        var use = server.Settings.WalSummaries;
        if (tableBytes == 0 || use == WalSummaryUse.Off)
        {
            return null;
        }
        if (!RelationFile.Fits(start))
        {
            server.Context.Reporter.Info($"the node's pages ({start.BlockSize?.ToString(CultureInfo.InvariantCulture) ?? "?"} bytes) or relation segments"
                + $" ({start.SegmentBlocks?.ToString(CultureInfo.InvariantCulture) ?? "?"} pages) are not 8 KiB and 1 GiB: changed table files are read whole");
            return null;
        }
        var archived = new Wal.ArchivedWalSummary(server.Layout, server.Context.Time);
        var stored = archived.Stored(parent.Timeline, parent.BeginLsn, to);
        foreach (var damaged in stored.Problems)
        {
            server.Context.Reporter.Info($"{damaged}: that segment's WAL is decoded instead");
        }
        var liveBytes = stored.GapBytes;
        if (use == WalSummaryUse.Auto && !WalBlockPlan.WorthReading(liveBytes, tableBytes))
        {
            server.Context.Reporter.Info($"the WAL since {parent.Id}"
                + (stored.Segments > 0 ? $" that the receiver has not summarised ({Describe(stored.Gaps)}, {ByteSize.Format(liveBytes)})" : $" ({ByteSize.Format(liveBytes)})")
                + $" costs more to read than the changed table files it would spare ({ByteSize.Format(tableBytes)}): they are read whole (wal_summaries = on reads it anyway)");
            return null;
        }
        var summary = stored.Summary;
        foreach (var gap in stored.Gaps)
        {
            var result = await archived.SummarizeAsync(parent.Timeline, gap.From, gap.To, ct);
            if (result.Summary is not { } decoded)
            {
                server.Context.Reporter.Info($"the WAL since {parent.Id} cannot say which blocks changed, so changed files are read whole: {result.Problem}");
                return null;
            }
            summary.Add(decoded);
        }
        server.Context.Reporter.Info($"the WAL from {parent.BeginLsn} to {to} names the changed blocks of {summary.FileCount} relation forks"
            + $" ({stored.Segments} segments summarised as they arrived, {ByteSize.Format(liveBytes)} decoded now): only those are read");
        return summary;
    }

    /// <summary>"A to B, C to D" for the INFO lines: where the WAL no summary covers lies.</summary>
    private static string Describe(IReadOnlyList<Wal.WalRange> gaps) =>
        string.Join(", ", gaps.Select(g => $"{g.From} to {g.To}"));

    /// <summary>The blocks to read of a relation file the parent holds whole pages of, by the WAL's
    /// <paramref name="changes"/>; null (read every block) without them, for a file that is no relation's main fork, or
    /// in a database directory made or dropped since.</summary>
    private static WalBlockPlan? PlanOf(ListedFile file, ManifestFile parent, WalBlockSummary? changes) =>
        changes is not null && RelationFile.TryParse(file.Path, out var relation, out var segment)
        && !changes.DatabaseChanged(relation.Tablespace, relation.Database)
            ? WalBlockPlan.For(changes.Changes(relation, ForkNumber.Main), segment, (int)Math.Min(int.MaxValue, parent.Size / BlockMap.BlockSize))
            : null;

    /// <summary>The SHA-256 of the parent's stored copy of a file (<see cref="ReuseAction.CompareByContent"/>), read back
    /// whole and checked against the parent's manifest on the way; null when it does not read back as the manifest says
    /// (the file is then sent, never linked to a copy in doubt).</summary>
    private static string? ContentHash(string parentData, ParentCopy parent)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var copy = StoredCopy.Open(parentData, parent.Entry.Path);
            using var sha = new FileChecksum(FrameChecksums.Sha256);
            using var check = new FileChecksum(parent.Entry.Algorithm);
            var size = 0L;
            int read;
            while ((read = copy.Read(buffer)) > 0)
            {
                sha.Append(buffer.AsSpan(0, read));
                check.Append(buffer.AsSpan(0, read));
                size += read;
            }
            return size == parent.Entry.Size && string.Equals(check.ToManifestHex(), parent.Entry.Checksum, StringComparison.OrdinalIgnoreCase)
                ? sha.ToManifestHex()
                : null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The parent's files whose stored copy is still there, by path.</summary>
    private Dictionary<string, ParentCopy> ParentFiles(BackupInfo? parent)
    {
        var files = new Dictionary<string, ParentCopy>(StringComparer.Ordinal);
        if (parent is null)
        {
            return files;
        }
        var data = server.Catalog.DataDirectory(parent.Id);
        var manifest = BackupManifest.Parse(File.ReadAllText(Path.Combine(data, BackupManifest.FileName)));
        var root = StoredFiles.Root(data);
        foreach (var entry in manifest.Files.Where(f => f.Path is not ("backup_label" or "tablespace_map")))
        {
            var map = StoredFiles.MapOf(root, entry.Path);
            var whole = StoredFiles.Of(root, entry.Path);
            if (File.Exists(whole))
            {
                files[entry.Path] = new ParentCopy(entry, whole, 0, null, File.Exists(map) ? map : null);
                continue;
            }
            var patch = StoredFiles.PatchOf(root, entry.Path);
            if (File.Exists(patch))
            {
                // A damaged trailer would make every later link unreadable: that copy is not reused (the file is sent whole).
                try
                {
                    var trailer = StoredCopy.TrailerOf(data, entry.Path)!;
                    files[entry.Path] = new ParentCopy(entry, patch, trailer.Depth, trailer.BaseBackupId, File.Exists(map) ? map : null);
                }
                catch (InvalidDataException)
                {
                }
            }
        }
        return files;
    }

    /// <summary>Modification times compare only on the node they were taken on: a parent taken from another node
    /// (before a failover) is compared by checksum alone.</summary>
    private static DateTimeOffset? ParentListTime(BackupInfo? parent, BackupSource source) =>
        parent is not null && parent.SourceNode == source.Name ? parent.ListTime : null;

    private static async Task<long> StoreTextAsync(string root, string name, string text, DateTimeOffset now, FilesCopyTally tally, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var target = StoredFiles.Of(root, name);
        await using (var file = new FileStream(target, BackupFileModes.NewFile(FileMode.CreateNew)))
        await using (var lz4 = LZ4Stream.Encode(file, new LZ4EncoderSettings { CompressionLevel = LZ4Level.L00_FAST }))
        {
            await lz4.WriteAsync(bytes, ct);
        }
        var compressed = new FileInfo(target).Length;
        var crc = new Crc32C();
        crc.Append(bytes);
        tally.AddStored(new ManifestFile(name, bytes.Length, FrameChecksums.Crc32C, crc.ToManifestHex(), now), compressed);
        return compressed;
    }
}
