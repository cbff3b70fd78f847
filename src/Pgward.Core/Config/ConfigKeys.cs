using static Pgward.Core.Config.ConfigTypes;

namespace Pgward.Core.Config;

/// <summary>
/// Every root-section setting of <c>pgward.conf</c>, once: name, type and range, and where it lands in
/// <see cref="NodeOptions"/> (whose initializers are the defaults). Adding a setting is one line here
/// plus its property.
/// </summary>
public static class ConfigKeys
{
    private static readonly ConfigType<TimeSpan> Timeout = Seconds(1, 86400);

    // agent_tls: on, off, or not set (''), which means "on when agent_tls_cert_file is set" (AgentTlsMode.Unset).
    private static readonly ConfigType<AgentTlsMode> TlsMode = new(
        "on, off, or '' (not set: on when agent_tls_cert_file is set)",
        (string t, out AgentTlsMode v) =>
        {
            v = t.Trim().ToLowerInvariant() switch { "on" => AgentTlsMode.On, "off" => AgentTlsMode.Off, "" => AgentTlsMode.Unset, _ => (AgentTlsMode)(-1) };
            return System.Enum.IsDefined(v);
        },
        v => v switch { AgentTlsMode.On => "on", AgentTlsMode.Off => "off", _ => "" });

    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        Key("node_id", Int(1, int.MaxValue), o => o.NodeId, (o, v) => o with { NodeId = v }, required: true),
        Key("node_name", NodeName, o => o.NodeName, (o, v) => o with { NodeName = v }, required: true),
        Key("conninfo", ConninfoText, o => o.Conninfo, (o, v) => o with { Conninfo = v }, required: true),
        Key("data_directory", AbsolutePath, o => o.DataDirectory, (o, v) => o with { DataDirectory = v }, required: true),
        Key("config_directory", OptionalAbsolutePath, o => o.ConfigDirectory, (o, v) => o with { ConfigDirectory = v }),
        Key("location", NonEmptyText, o => o.Location, (o, v) => o with { Location = v }),
        Key("priority", Int(0, int.MaxValue), o => o.Priority, (o, v) => o with { Priority = v }),
        Key("pg_bindir", OptionalAbsolutePath, o => o.PgBindir, (o, v) => o with { PgBindir = v }),
        Key("use_replication_slots", Bool, o => o.UseReplicationSlots, (o, v) => o with { UseReplicationSlots = v }),
        Key("replication_user", Text, o => o.ReplicationUser, (o, v) => o with { ReplicationUser = v }),
        Key("pg_basebackup_options", Text, o => o.PgBasebackupOptions, (o, v) => o with { PgBasebackupOptions = v }),
        Key("pg_ctl_options", PgCtlOptionsText, o => o.PgCtlOptions, (o, v) => o with { PgCtlOptions = v }),
        Key("event_notification_command", Text, o => o.EventNotificationCommand, (o, v) => o with { EventNotificationCommand = v }),
        Key("event_notifications", List, o => o.EventNotifications, (o, v) => o with { EventNotifications = v }),
        Key("event_notification_timeout", Seconds(1, 3600), o => o.EventNotificationTimeout, (o, v) => o with { EventNotificationTimeout = v }),
        Key("replication_lag_warning", Timeout, o => o.ReplicationLagWarning, (o, v) => o with { ReplicationLagWarning = v }),
        Key("replication_lag_critical", Timeout, o => o.ReplicationLagCritical, (o, v) => o with { ReplicationLagCritical = v }),
        Key("archive_ready_warning", Int(1, int.MaxValue), o => o.ArchiveReadyWarning, (o, v) => o with { ArchiveReadyWarning = v }),
        Key("archive_ready_critical", Int(1, int.MaxValue), o => o.ArchiveReadyCritical, (o, v) => o with { ArchiveReadyCritical = v }),
        Key("promote_check_timeout", Timeout, o => o.PromoteCheckTimeout, (o, v) => o with { PromoteCheckTimeout = v }),
        Key("promote_check_interval", Seconds(1, 3600), o => o.PromoteCheckInterval, (o, v) => o with { PromoteCheckInterval = v }),
        Key("primary_follow_timeout", Timeout, o => o.PrimaryFollowTimeout, (o, v) => o with { PrimaryFollowTimeout = v }),
        Key("recovery_min_apply_delay", ApplyDelay, o => o.RecoveryMinApplyDelay, (o, v) => o with { RecoveryMinApplyDelay = v }),
        Key("standby_follow_timeout", Timeout, o => o.StandbyFollowTimeout, (o, v) => o with { StandbyFollowTimeout = v }),
        Key("shutdown_check_timeout", Timeout, o => o.ShutdownCheckTimeout, (o, v) => o with { ShutdownCheckTimeout = v }),
        Key("standby_reconnect_timeout", Timeout, o => o.StandbyReconnectTimeout, (o, v) => o with { StandbyReconnectTimeout = v }),
        Key("wal_receive_check_timeout", Timeout, o => o.WalReceiveCheckTimeout, (o, v) => o with { WalReceiveCheckTimeout = v }),
        Key("node_rejoin_timeout", Timeout, o => o.NodeRejoinTimeout, (o, v) => o with { NodeRejoinTimeout = v }),
        Key("failover", Enum(("automatic", FailoverMode.Automatic), ("manual", FailoverMode.Manual)), o => o.Failover, (o, v) => o with { Failover = v }),
        Key("monitor_interval_secs", Seconds(1, 3600), o => o.MonitorInterval, (o, v) => o with { MonitorInterval = v }),
        Key("reconnect_attempts", Int(1, 100), o => o.ReconnectAttempts, (o, v) => o with { ReconnectAttempts = v }),
        Key("reconnect_interval", PositiveSeconds(3600), o => o.ReconnectInterval, (o, v) => o with { ReconnectInterval = v }),
        Key("promote_command", Text, o => o.PromoteCommand, (o, v) => o with { PromoteCommand = v }),
        Key("follow_command", Text, o => o.FollowCommand, (o, v) => o with { FollowCommand = v }),
        Key("monitoring_history", Bool, o => o.MonitoringHistory, (o, v) => o with { MonitoringHistory = v }),
        Key("auto_rejoin", Bool, o => o.AutoRejoin, (o, v) => o with { AutoRejoin = v }),
        Key("fence_timeout", Seconds(1, 3600), o => o.FenceTimeout, (o, v) => o with { FenceTimeout = v }),
        Key("commit_lease", Bool, o => o.CommitLease, (o, v) => o with { CommitLease = v }),
        Key("replication_mode", Enum(("async", ReplicationMode.Async), ("sync", ReplicationMode.Sync)), o => o.ReplicationMode, (o, v) => o with { ReplicationMode = v }),
        Key("maximum_lag_on_failover", Size, o => o.MaximumLagOnFailover, (o, v) => o with { MaximumLagOnFailover = v }),
        Key("agent_address", NonEmptyText, o => o.AgentAddress, (o, v) => o with { AgentAddress = v }),
        Key("agent_port", Int(1, 65535), o => o.AgentPort, (o, v) => o with { AgentPort = v }),
        Key("agent_token", Text, o => o.AgentToken, (o, v) => o with { AgentToken = v }, secret: true),
        Key("agent_tls", TlsMode, o => o.AgentTls, (o, v) => o with { AgentTls = v }),
        Key("agent_tls_cert_file", OptionalAbsolutePath, o => o.AgentTlsCertFile, (o, v) => o with { AgentTlsCertFile = v }),
        Key("agent_tls_key_file", OptionalAbsolutePath, o => o.AgentTlsKeyFile, (o, v) => o with { AgentTlsKeyFile = v }),
        Key("agent_tls_ca_file", OptionalAbsolutePath, o => o.AgentTlsCaFile, (o, v) => o with { AgentTlsCaFile = v }),
        Key("agent_tls_client_auth", Enum(("none", AgentTlsClientAuth.None), ("require", AgentTlsClientAuth.Require)), o => o.AgentTlsClientAuth, (o, v) => o with { AgentTlsClientAuth = v }),
        Key("agent_dashboard", Enum(("token", AgentDashboardMode.Token), ("public", AgentDashboardMode.Public)), o => o.AgentDashboard, (o, v) => o with { AgentDashboard = v }),
        Key("cluster", NonEmptyText, o => o.Cluster, (o, v) => o with { Cluster = v }),
        Key("metrics", Bool, o => o.Metrics, (o, v) => o with { Metrics = v }),
        Key("metrics_auth", Enum(("token", MetricsAuth.Token), ("none", MetricsAuth.None)), o => o.MetricsAuth, (o, v) => o with { MetricsAuth = v }),
        Key("wal_fetch_parallel", Int(0, 64), o => o.WalFetchParallel, (o, v) => o with { WalFetchParallel = v }),
        Key("wal_fetch_spool_directory", OptionalAbsolutePath, o => o.WalFetchSpoolDirectory, (o, v) => o with { WalFetchSpoolDirectory = v }),
        Key("log_level", Enum(("DEBUG", LogSeverity.Debug), ("INFO", LogSeverity.Info), ("NOTICE", LogSeverity.Notice), ("WARNING", LogSeverity.Warning), ("ERROR", LogSeverity.Error)), o => o.LogLevel, (o, v) => o with { LogLevel = v }),
        Key("log_file", OptionalAbsolutePath, o => o.LogFile, (o, v) => o with { LogFile = v }),
        Key("pid_file", OptionalAbsolutePath, o => o.PidFile, (o, v) => o with { PidFile = v }),
        Key("service_start_command", Text, o => o.ServiceStartCommand, (o, v) => o with { ServiceStartCommand = v }),
        Key("service_stop_command", Text, o => o.ServiceStopCommand, (o, v) => o with { ServiceStopCommand = v }),
        Key("service_restart_command", Text, o => o.ServiceRestartCommand, (o, v) => o with { ServiceRestartCommand = v }),
        Key("service_reload_command", Text, o => o.ServiceReloadCommand, (o, v) => o with { ServiceReloadCommand = v }),
        Key("service_promote_command", Text, o => o.ServicePromoteCommand, (o, v) => o with { ServicePromoteCommand = v }),
    ];

    /// <summary>Relations between settings, checked after each setting is valid on its own.</summary>
    public static IReadOnlyList<ConfigCrossCheck> CrossChecks { get; } =
    [
        new("replication_lag_critical", "must be greater than", "replication_lag_warning", o => o.ReplicationLagCritical > o.ReplicationLagWarning),
        new("archive_ready_critical", "must be greater than", "archive_ready_warning", o => o.ArchiveReadyCritical > o.ArchiveReadyWarning),
        new("standby_reconnect_timeout", "must be at least", "node_rejoin_timeout", o => o.StandbyReconnectTimeout >= o.NodeRejoinTimeout),
        // The agent's election needs a failed primary to have fenced itself before the standbys give up on it; with a
        // shorter detection time it would run with automatic failover off and say so only in its log.
        new("reconnect_interval", "times reconnect_attempts (the time to detect a failed primary) must be at least", "fence_timeout",
            o => o.Failover != FailoverMode.Automatic || o.ReconnectInterval * o.ReconnectAttempts >= o.FenceTimeout),
    ];

    /// <summary>Rules on groups of settings, checked after each setting is valid on its own.</summary>
    public static IReadOnlyList<ConfigRule> Rules { get; } =
    [
        new("agent_tls", Tls.AgentTlsRules.MissingCertificate),
        new("agent_tls_cert_file", Tls.AgentTlsRules.HalfAPair),
        new("agent_tls_client_auth", Tls.AgentTlsRules.ClientAuthWithoutCa),
    ];

    private static readonly Dictionary<string, ConfigKey> ByName = All.ToDictionary(k => k.Name);

    /// <summary>The key called <paramref name="name"/> (lower case), or null.</summary>
    public static ConfigKey? Find(string name) => ByName.GetValueOrDefault(name);

    private static ConfigKey<T> Key<T>(
        string name,
        ConfigType<T> type,
        Func<NodeOptions, T> get,
        Func<NodeOptions, T, NodeOptions> set,
        bool required = false,
        bool secret = false) => new(name, type, get, set, required, secret);
}
