using Pgward.Backup.Checks;

namespace Pgward.Backup.Metrics;

/// <summary>What one refresh of the backup server's metrics found: <c>backup check</c>'s facts and results, and the
/// archive's lag behind the primary.</summary>
public sealed record BackupFacts(BackupCheckFacts Check, IReadOnlyList<BackupCheckResult> Results, ArchiveLag Lag, DateTimeOffset Now);
