namespace Pgward.Backup.Base;

/// <summary>The pg_basebackup command line of a base backup. Pure.</summary>
public static class PgBaseBackupArguments
{
    /// <summary>
    /// Tar format compressed with lz4 by pg_basebackup itself (fast; the server's CPU is spared), <c>-X none</c>
    /// because the WAL comes from the archive the receiver streams, a CRC32C manifest for <c>backup verify</c>, and a
    /// fast checkpoint so the backup starts at once rather than at the next scheduled checkpoint.
    /// </summary>
    public static IReadOnlyList<string> For(string directory, string conninfo, string backupId) =>
    [
        "--pgdata", directory,
        "--dbname", conninfo,
        "--format", "tar",
        "--compress", "client-lz4",
        "--wal-method", "none",
        "--manifest-checksums", "CRC32C",
        "--checkpoint", "fast",
        "--label", $"pgward backup {backupId}",
        "--progress",
        "--verbose",
        "--no-password",
    ];
}
