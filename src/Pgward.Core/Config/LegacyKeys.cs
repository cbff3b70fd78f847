namespace Pgward.Core.Config;

/// <summary>repmgr.conf names that pgward reads differently or not at all, so a repmgr.conf loads with warnings, not errors.</summary>
public static class LegacyKeys
{
    /// <summary>Old repmgr names and the names that replaced them.</summary>
    public static IReadOnlyDictionary<string, string> Renamed { get; } = new Dictionary<string, string>
    {
        ["node"] = "node_id",
        ["loglevel"] = "log_level",
        ["logfile"] = "log_file",
    };

    /// <summary>Accepted and dropped without a word: repmgr itself ignores them. (repmgr 3's <c>cluster</c>, its name, is
    /// read again: the <c>cluster</c> label of the metrics.)</summary>
    public static IReadOnlySet<string> IgnoredSilently { get; } = new HashSet<string>();

    /// <summary>repmgr settings with no meaning in pgward (SSH, rsync, Barman, repmgrd-only knobs ...). Among them
    /// <c>connection_check_type</c> (the agents hear each other over HTTPS and keep a connection to their own server)
    /// and <c>degraded_monitoring_timeout</c> (an agent never leaves its node unguarded: it stays to report and fence).</summary>
    public static IReadOnlySet<string> Unused { get; } = new HashSet<string>
    {
        "replication_type", "restore_command", "archive_cleanup_command",
        "tablespace_mapping", "use_primary_conninfo_password", "passfile", "witness_sync_interval",
        "repmgr_bindir", "rsync_options", "ssh_options",
        "barman_host", "barman_server", "barman_config",
        "pg_backupapi_host", "pg_backupapi_node_name", "pg_backupapi_backup_id", "pg_backupapi_remote_ssh_command",
        "repmgrd_service_start_command", "repmgrd_service_stop_command", "repmgrd_pid_file",
        "repmgrd_exit_on_inactive_node", "repmgrd_standby_startup_timeout", "standby_follow_restart",
        "async_query_timeout", "primary_notification_timeout", "standby_disconnect_on_failover",
        "sibling_nodes_disconnect_timeout", "primary_visibility_consensus", "always_promote",
        "failover_validation_command", "election_rerun_interval", "child_nodes_check_interval",
        "child_nodes_connected_min_count", "child_nodes_disconnect_min_count", "child_nodes_connected_include_witness",
        "child_nodes_disconnect_timeout", "child_nodes_disconnect_command", "connection_check_query",
        "reconnect_loop_sync", "promote_delay", "failover_delay", "log_facility", "logfacility",
        "log_status_interval", "master_response_timeout", "retry_promote_interval_secs", "connection_check_type",
        "degraded_monitoring_timeout",
    };

    /// <summary>For some of <see cref="Unused"/>: what does that job in pgward, for the warning of a repmgr.conf brought over.</summary>
    public static IReadOnlyDictionary<string, string> Instead { get; } = new Dictionary<string, string>
    {
        ["tablespace_mapping"] = "give pg_basebackup's -T in pg_basebackup_options = '-T /old=/new'",
        ["restore_command"] = "standby clone writes restore_command itself once a backup server is registered (pgward backup register)",
        ["passfile"] = "name the password file in conninfo (passfile=...): primary_conninfo and the agents take it from there",
        ["use_primary_conninfo_password"] = "pgward writes no password into primary_conninfo: the standby reads the password file",
        ["ssh_options"] = "pgward uses no SSH: the agents carry switchover, follow and rejoin between hosts",
        ["rsync_options"] = "pgward uses no rsync: standby clone runs pg_basebackup, node rejoin pg_rewind",
        ["repmgrd_service_start_command"] = "the agent is a systemd service: systemctl start pgward",
        ["repmgrd_service_stop_command"] = "the agent is a systemd service: systemctl stop pgward (or pgward daemon stop)",
        ["repmgrd_pid_file"] = "pid_file",
        ["log_facility"] = "the agent logs to stderr (the journal under systemd), or to log_file",
        ["logfacility"] = "the agent logs to stderr (the journal under systemd), or to log_file",
        ["barman_host"] = "pgward's own backup server: standby clone --from-backup",
        ["barman_server"] = "pgward's own backup server: standby clone --from-backup",
        ["primary_visibility_consensus"] = "the agents always decide by a majority of voters",
        ["standby_disconnect_on_failover"] = "the agents always decide by a majority of voters",
    };
}
