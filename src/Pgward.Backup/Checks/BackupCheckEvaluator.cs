using Pgward.Backup.Catalog;

namespace Pgward.Backup.Checks;

/// <summary>Turns <see cref="BackupCheckFacts"/> into the named checks of <c>backup check</c>. Pure.</summary>
public static class BackupCheckEvaluator
{
    public static IReadOnlyList<BackupCheckResult> Evaluate(BackupCheckFacts facts, BackupSettings settings, DateTimeOffset now) =>
    [
        Result("PostgreSQL", facts.ConnectionProblem is null, facts.ConnectionProblem ?? "primary reachable"),
        Slot(facts),
        Streaming(facts, settings, now),
        Result("WAL archive continuity", facts.ArchiveGaps.Count == 0, facts.ArchiveGaps.Count == 0
            ? "no missing segment since the oldest backup"
            : $"missing {facts.ArchiveGaps.Count} segment(s): {string.Join(", ", facts.ArchiveGaps.Take(5))}{(facts.ArchiveGaps.Count > 5 ? ", ..." : "")}"),
        WalIntegrity(facts.WalIntegrity),
        Result("backups intact", facts.DamagedBackups.Count == 0, facts.DamagedBackups is [var (id, problem), ..]
            ? $"backup {id}: {problem}{(facts.DamagedBackups.Count > 1 ? $"; also {string.Join(", ", facts.DamagedBackups.Skip(1).Select(d => d.Id))}" : "")}; see with: pgward backup verify {id}"
            : "every backup's manifest and stored files are in place"),
        Result("minimum redundancy requirements", facts.DoneBackups >= facts.MinimumRedundancy,
            $"have {facts.DoneBackups} backups, expected at least {facts.MinimumRedundancy}"),
        BackupAge(facts, settings, now),
        Result("disk space", facts.FreeBytes >= settings.MinimumFreeSpace,
            $"{ByteSize.Format(facts.FreeBytes)} free, at least {ByteSize.Format(settings.MinimumFreeSpace)} wanted"),
        .. ScheduleCheck.Evaluate(settings.Schedule, facts.Backups, now),
    ];

    private static BackupCheckResult Slot(BackupCheckFacts facts) => facts.SlotName is null
        ? Result("replication slot", true, "no slot_name configured")
        : facts.SlotExists switch
        {
            true => Result("replication slot", true, $"slot \"{facts.SlotName}\" exists on the primary"),
            false => Result("replication slot", false, $"slot \"{facts.SlotName}\" does not exist on the primary; create it with: pgward backup receive-wal --create-slot"),
            null => Result("replication slot", false, $"cannot check slot \"{facts.SlotName}\": the primary is not reachable"),
        };

    private static BackupCheckResult WalIntegrity(WalVerification verification)
    {
        if (verification.Damaged is [var (first, problem), ..])
        {
            var others = verification.Damaged.Count > 1 ? $"; {verification.Damaged.Count - 1} more: {string.Join(", ", verification.Damaged.Skip(1).Take(4).Select(d => d.WalFile))}" : "";
            return Result("WAL archive integrity", false, $"damaged segment {first}: {problem}{others}; see them all with: pgward backup verify --wal");
        }
        return Result("WAL archive integrity", true,
            $"every archived file since the oldest backup reads back sound ({verification.Read} read now, {verification.Remembered} unchanged since read before)");
    }

    private static BackupCheckResult Streaming(BackupCheckFacts facts, BackupSettings settings, DateTimeOffset now)
    {
        if (facts.LastWalArrival is not { } last)
        {
            return Result("WAL streaming", false, "no WAL has arrived; start it with: pgward backup receive-wal");
        }
        var age = now - last;
        return Result("WAL streaming", age <= settings.LastWalMaximumAge,
            $"last WAL arrived {Age(age)} ago (maximum {Age(settings.LastWalMaximumAge)})");
    }

    private static BackupCheckResult BackupAge(BackupCheckFacts facts, BackupSettings settings, DateTimeOffset now)
    {
        if (facts.LastBackupEnd is not { } end)
        {
            return Result("backup maximum age", false, "no DONE backup; take one with: pgward backup create");
        }
        var age = now - end;
        return Result("backup maximum age", age <= settings.LastBackupMaximumAge,
            $"last backup ended {Age(age)} ago (maximum {Age(settings.LastBackupMaximumAge)})");
    }

    private static string Age(TimeSpan age) => age.TotalDays >= 2 ? $"{age.TotalDays:0} days"
        : age.TotalHours >= 2 ? $"{age.TotalHours:0} hours"
        : age.TotalMinutes >= 2 ? $"{age.TotalMinutes:0} minutes"
        : $"{Math.Max(0, age.TotalSeconds):0} seconds";

    private static BackupCheckResult Result(string name, bool ok, string detail) => new(name, ok, detail);
}
