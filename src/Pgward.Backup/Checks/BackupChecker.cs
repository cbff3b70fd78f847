using Npgsql;
using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Checks;

/// <summary><c>backup check</c>: gathers the facts (cluster, slot, archive, catalog, disk) and evaluates them.</summary>
public sealed class BackupChecker(BackupServer server)
{
    public async Task<(IReadOnlyList<BackupCheckResult> Results, BackupCheckFacts Facts)> RunAsync(CancellationToken ct)
    {
        var ctx = server.Context;
        var settings = server.Settings;
        var backups = await new BackupWalCompletion(server.Catalog, server.Archive).RefreshAsync(ct);
        var done = backups.Where(b => b.Status == BackupStatus.Done).ToList();
        var scan = new ArchivedWalScan(server.Layout);
        var segments = scan.Segments();

        var (source, outcome) = await new BackupSourceResolver(ctx, server.Layout).ResolveAsync(settings.Conninfo, fromNode: null, ct);
        bool? slotExists = null;
        if (source is not null && settings.SlotName is { } slot)
        {
            slotExists = await SlotExistsAsync(source.Conninfo, slot, ct);
        }

        var facts = new BackupCheckFacts
        {
            ConnectionProblem = source is null ? outcome.Error : null,
            PrimaryConninfo = source is null ? null : source.IsStandby ? source.PrimaryConninfo : source.Conninfo,
            SlotName = settings.SlotName,
            SlotExists = slotExists,
            LastWalArrival = scan.LastArrival(),
            ArchiveGaps = await GapsAsync(backups, segments, scan, ct),
            WalIntegrity = await new WalArchiveVerifier(server.Layout, new WalArchive(server.Layout)).VerifyAsync(everything: false, ct),
            DamagedBackups = BackupIntegrity.ProblemsOf(server.Catalog, backups, done),
            DoneBackups = done.Count,
            MinimumRedundancy = settings.MinimumRedundancy,
            LastBackupEnd = done.LastOrDefault()?.EndTime,
            FreeBytes = FreeBytes(server.Layout.Root),
            WalBytes = segments.Sum(s => s.SizeOnDisk),
            NewestSegment = segments.Count == 0 ? null : segments[^1].Segment,
            LastBackupBytes = done.LastOrDefault()?.Size ?? 0,
            Backups = backups,
        };
        return (BackupCheckEvaluator.Evaluate(facts, settings, ctx.Time.GetUtcNow()), facts);
    }

    /// <summary>
    /// Segments missing between the oldest backup's begin and the newest archived segment, timeline by timeline: on
    /// the oldest backup's timeline from its begin, on each later one from where it branched (its history file).
    /// </summary>
    private async Task<IReadOnlyList<string>> GapsAsync(
        IReadOnlyList<BackupInfo> backups, IReadOnlyList<ArchivedSegment> segments, ArchivedWalScan scan, CancellationToken ct)
    {
        var oldest = backups.Where(b => b.Status is BackupStatus.Done or BackupStatus.WaitingForWals && b.BeginWal is not null)
            .MinBy(b => b.OrderTime);
        if (oldest is null)
        {
            return [];
        }
        var gaps = new List<string>();
        var kept = backups.Where(b => b.BeginWal is not null && b.EndWal is not null && b.Status != BackupStatus.Failed).ToList();
        var timelines = segments.Select(s => s.Segment.Timeline).Concat(kept.Select(b => b.Timeline))
            .Where(t => t >= oldest.Timeline).Distinct().Order();
        foreach (var timeline in timelines)
        {
            // To the newest archived segment, or further when a backup on this timeline needs more.
            var ends = segments.Where(s => s.Segment.Timeline == timeline).Select(s => s.Segment.Number)
                .Concat(kept.Where(b => b.Timeline == timeline).Select(b => b.EndWal!.Value.Number));
            var last = ends.Max();
            var from = timeline == oldest.Timeline
                ? oldest.BeginLsn
                : scan.SwitchPoint(timeline) ?? kept.Where(b => b.Timeline == timeline).Select(b => (Lsn?)b.BeginLsn).Min();
            if (from is not { } begin || begin.Value / (ulong)WalSegment.DefaultSize > last)
            {
                continue;
            }
            gaps.AddRange(await server.Archive.MissingSegmentsAsync((int)timeline, begin, new WalSegment(timeline, last).Start(WalSegment.DefaultSize), readContents: false, ct));
        }
        return gaps;
    }

    private async Task<bool?> SlotExistsAsync(string conninfo, string slot, CancellationToken ct)
    {
        var attempt = await server.Context.Db.TryOpenAsync(conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return null;
        }
        await using (connection)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1", connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = slot });
            return (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
        }
    }

    private static long FreeBytes(string root)
    {
        var existing = root;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }
        return new DriveInfo(Path.GetFullPath(existing)).AvailableFreeSpace;
    }
}
