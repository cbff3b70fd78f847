namespace Pgward.Cluster.Clone;

/// <summary>The command line of <c>standby clone</c>: where to clone from and how.</summary>
public sealed record CloneRequest(
    string Host,
    int? Port,
    string? User,
    string? DbName,
    int? UpstreamNodeId,
    bool FastCheckpoint,
    bool DryRun,
    bool Force)
{
    /// <summary><c>--from-backup</c>: restore the backup server's newest backup instead of running pg_basebackup.</summary>
    public bool FromBackup { get; init; }

    /// <summary><c>--backup-server NAME</c>: the backup server the standby's restore_command fetches WAL from (and
    /// <c>--from-backup</c> restores from); null: the only one registered (<see cref="CloneRestoreCommand"/>).</summary>
    public string? BackupServer { get; init; }

    /// <summary><c>--replication-conf-only</c>: write only the standby configuration, into a data directory already
    /// copied from the upstream by other means (a pg_basebackup of one's own, a restore of another tool's backup).</summary>
    public bool ReplicationConfOnly { get; init; }

    /// <summary><c>--upstream-conninfo</c>, as repmgr's: the <c>primary_conninfo</c> to write instead of one made from
    /// -h/-p/-U (another network for replication, an upstream that is not there yet); the copy is still made from -h.</summary>
    public string? UpstreamConninfo { get; init; }

    /// <summary><c>--recovery-min-apply-delay</c>, repmgr's: overrides <c>recovery_min_apply_delay</c> of pgward.conf.</summary>
    public TimeSpan? RecoveryMinApplyDelay { get; init; }

    /// <summary>How PostgreSQL runs pgward in that restore_command (<see cref="Core.Processes.PgwardExecutable"/>); null:
    /// as this process was run.</summary>
    public IReadOnlyList<string>? Executable { get; init; }
}
