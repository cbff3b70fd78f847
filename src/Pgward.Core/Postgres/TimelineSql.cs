namespace Pgward.Core.Postgres;

/// <summary>The SQL expression for the timeline a server is on, shared by every probe.</summary>
public static class TimelineSql
{
    /// <summary>
    /// A primary's current WAL file name starts with its timeline (right as soon as a promotion ends, unlike
    /// pg_control_checkpoint(), which waits for the end-of-recovery checkpoint). A standby has no such function;
    /// it is on the newest of: the timeline its WAL receiver streams, its last restartpoint's, and the newest
    /// timeline history file in its pg_wal (the receiver writes that file when it follows a timeline switch, and
    /// it stays when the receiver is disconnected, which is exactly when a switchover asks).
    /// </summary>
    public const string Expression = """
        CASE WHEN pg_is_in_recovery()
             THEN GREATEST(
                    COALESCE((SELECT received_tli FROM pg_stat_wal_receiver), 0),
                    (SELECT timeline_id FROM pg_control_checkpoint()),
                    COALESCE(CASE WHEN pg_has_role('pg_monitor', 'MEMBER') OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                                  THEN (SELECT max(('x' || substr(name, 1, 8))::bit(32)::int) FROM pg_ls_waldir()
                                         WHERE name ~ '^[0-9A-F]{8}\.history$') END, 0))
             ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END
        """;
}
