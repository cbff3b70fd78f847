namespace Pgward.Backup.Checks;

/// <summary>What <c>backup check</c> observed, gathered by <see cref="BackupChecker"/>; judged by <see cref="BackupCheckEvaluator"/>.</summary>
public sealed record BackupCheckFacts
{
    /// <summary>Null when the cluster's primary was reached, else why not.</summary>
    public string? ConnectionProblem { get; init; }

    /// <summary>The conninfo of the cluster's primary as found from the configured node; null when none was found.</summary>
    public string? PrimaryConninfo { get; init; }

    public string? SlotName { get; init; }

    /// <summary>Whether the slot exists on the primary; null when it could not be asked.</summary>
    public bool? SlotExists { get; init; }

    public DateTimeOffset? LastWalArrival { get; init; }

    /// <summary>Segments missing from the archive since the oldest backup's begin, in order.</summary>
    public IReadOnlyList<string> ArchiveGaps { get; init; } = [];

    /// <summary>The archived WAL read back since the oldest backup (<see cref="WalArchiveVerifier"/>).</summary>
    public WalVerification WalIntegrity { get; init; } = WalVerification.None;

    /// <summary>Backups that are damaged, with the first problem of each (<see cref="BackupIntegrity"/>).</summary>
    public IReadOnlyList<(string Id, string Problem)> DamagedBackups { get; init; } = [];

    public int DoneBackups { get; init; }

    public int MinimumRedundancy { get; init; }

    public DateTimeOffset? LastBackupEnd { get; init; }

    public long FreeBytes { get; init; }

    public long WalBytes { get; init; }

    /// <summary>The archived segment furthest along (highest position, then timeline); null when none is archived.</summary>
    public Wal.WalSegment? NewestSegment { get; init; }

    public long LastBackupBytes { get; init; }

    /// <summary>Every backup of the catalog, oldest first (for <see cref="ScheduleCheck"/>).</summary>
    public IReadOnlyList<Catalog.BackupInfo> Backups { get; init; } = [];
}
