using System.Text;

namespace Pgward.Core.Config;

/// <summary>
/// The root section of <c>pgward.conf</c> for one node. Names in the file are repmgr.conf's, so a repmgr.conf
/// can be read as is. Every setting, its type and range are listed once in <see cref="ConfigKeys"/>.
/// </summary>
public sealed record NodeOptions
{
    // --- required ---

    /// <summary><c>node_id</c>: unique id of this node in the cluster, at least 1. Required.</summary>
    public int NodeId { get; init; }

    /// <summary><c>node_name</c>: unique name, 1-63 printable ASCII characters; also the <c>application_name</c>. Required.</summary>
    public string NodeName { get; init; } = "";

    /// <summary><c>conninfo</c>: libpq connection string every node can use to reach this node. Required. Passwords in it are never printed.</summary>
    public string Conninfo { get; init; } = "";

    /// <summary><c>data_directory</c>: this node's PostgreSQL data directory, needed when the server is down; an absolute path. Required.</summary>
    public string DataDirectory { get; init; } = "";

    // --- server and replication ---

    /// <summary><c>config_directory</c>: where postgresql.conf lives when it is outside the data directory; an absolute path. Default "" (in the data directory).</summary>
    public string ConfigDirectory { get; init; } = "";

    /// <summary><c>location</c>: failure domain (data centre) of this node; elections prefer the primary's location. Default "default".</summary>
    public string Location { get; init; } = "default";

    /// <summary><c>priority</c>: election preference, higher wins among equally advanced standbys; 0 = never promote. Default 100.</summary>
    public int Priority { get; init; } = 100;

    /// <summary><c>pg_bindir</c>: directory of the PostgreSQL binaries (pg_ctl, pg_basebackup, pg_rewind); an absolute path. Default "" (search PATH).</summary>
    public string PgBindir { get; init; } = "";

    /// <summary><c>use_replication_slots</c>: give each standby a physical replication slot on its upstream. Default false.</summary>
    public bool UseReplicationSlots { get; init; }

    /// <summary><c>replication_user</c>: user for replication connections. Default "" (the user in <see cref="Conninfo"/>).</summary>
    public string ReplicationUser { get; init; } = "";

    /// <summary><c>pg_basebackup_options</c>: extra pg_basebackup arguments for <c>standby clone</c>, split as a shell would; those pgward sets itself are refused (<c>BaseBackupOptions</c>). Default "".</summary>
    public string PgBasebackupOptions { get; init; } = "";

    /// <summary><c>pg_ctl_options</c>: extra arguments for every <c>pg_ctl start</c> pgward runs, split as a shell would;
    /// <c>-l FILE</c> names the server log (<see cref="Postgres.PgCtlOptions"/>). Default "".</summary>
    public string PgCtlOptions { get; init; } = "";

    // --- event notifications ---

    /// <summary><c>event_notification_command</c>: run on every event with repmgr's placeholders (%n %e %s %t %d %p %c %a). Default "" (none).</summary>
    public string EventNotificationCommand { get; init; } = "";

    /// <summary><c>event_notifications</c>: comma-separated event names to notify. Default empty = all events.</summary>
    public IReadOnlyList<string> EventNotifications { get; init; } = [];

    /// <summary><c>event_notification_timeout</c>: how long the notification command may run before it is killed. Seconds (units allowed), 1 s-3600 s, default 10 s.</summary>
    public TimeSpan EventNotificationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    // --- node check thresholds ---

    /// <summary><c>replication_lag_warning</c>: <c>node check</c> warns above this replay lag. Seconds (units allowed), default 300 s.</summary>
    public TimeSpan ReplicationLagWarning { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary><c>replication_lag_critical</c>: <c>node check</c> is critical above this replay lag; must exceed the warning. Seconds (units allowed), default 600 s.</summary>
    public TimeSpan ReplicationLagCritical { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary><c>archive_ready_warning</c>: <c>node check</c> warns above this many WAL files waiting to be archived. Default 16.</summary>
    public int ArchiveReadyWarning { get; init; } = 16;

    /// <summary><c>archive_ready_critical</c>: critical above this many WAL files waiting to be archived; must exceed the warning. Default 128.</summary>
    public int ArchiveReadyCritical { get; init; } = 128;

    // --- CLI timeouts ---

    /// <summary><c>promote_check_timeout</c>: how long <c>standby promote</c> waits for the promotion to finish. Seconds (units allowed), default 60 s.</summary>
    public TimeSpan PromoteCheckTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>promote_check_interval</c>: how often <c>standby promote</c> checks whether the promotion finished. Seconds (units allowed), default 1 s.</summary>
    public TimeSpan PromoteCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>primary_follow_timeout</c>: how long <c>standby follow</c> waits for the new primary to be reachable. Seconds (units allowed), default 60 s.</summary>
    public TimeSpan PrimaryFollowTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>standby_follow_timeout</c>: how long <c>standby follow</c> waits for the standby to connect to its new upstream. Seconds (units allowed), default 30 s.</summary>
    public TimeSpan StandbyFollowTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>recovery_min_apply_delay</c>, repmgr's: written by <c>standby clone</c> (and a re-clone) into the
    /// standby's <c>postgresql.auto.conf</c>, making it a delayed standby, which never stands for automatic failover.
    /// Zero (the default) writes nothing.</summary>
    public TimeSpan RecoveryMinApplyDelay { get; init; } = TimeSpan.Zero;

    /// <summary><c>shutdown_check_timeout</c>: how long a switchover waits for the old primary to shut down. Seconds (units allowed), default 60 s.</summary>
    public TimeSpan ShutdownCheckTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>standby_reconnect_timeout</c>: how long a switchover waits for the old primary to rejoin as a standby; at least <see cref="NodeRejoinTimeout"/>. Seconds (units allowed), default 60 s.</summary>
    public TimeSpan StandbyReconnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>wal_receive_check_timeout</c>: how long a switchover waits for the standby to receive the old primary's last WAL. Seconds (units allowed), default 30 s.</summary>
    public TimeSpan WalReceiveCheckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>node_rejoin_timeout</c>: how long <c>node rejoin</c> waits for the node to connect to its upstream. Seconds (units allowed), default 60 s.</summary>
    public TimeSpan NodeRejoinTimeout { get; init; } = TimeSpan.FromSeconds(60);

    // --- daemon ---

    /// <summary><c>failover</c>: <c>automatic</c> or <c>manual</c> (the daemon only monitors). Default manual.</summary>
    public FailoverMode Failover { get; init; } = FailoverMode.Manual;

    /// <summary><c>monitor_interval_secs</c>: interval between upstream checks and monitoring-history rows. Seconds (units allowed), 1 s-3600 s, default 1 s.</summary>
    public TimeSpan MonitorInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>reconnect_attempts</c>: failed checks in a row before the upstream is declared down, 1-100 (0 would
    /// leave no time to detect a failure: automatic failover could not run). Default 2.</summary>
    public int ReconnectAttempts { get; init; } = 2;

    /// <summary><c>reconnect_interval</c>: pause between reconnect attempts. Seconds (units allowed), above 0 and at most 3600 s, default 1 s.</summary>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>promote_command</c>: command the daemon runs to promote this node. Default "" (pgward promotes by itself).</summary>
    public string PromoteCommand { get; init; } = "";

    /// <summary><c>follow_command</c>: command the daemon runs to follow a new primary (%n = its node id). Default "" (pgward follows by itself).</summary>
    public string FollowCommand { get; init; } = "";

    /// <summary><c>monitoring_history</c>: write a monitoring-history row every <see cref="MonitorInterval"/>. Default false.</summary>
    public bool MonitoringHistory { get; init; }

    /// <summary><c>auto_rejoin</c>: a failed former primary rejoins as a standby by itself (pg_rewind). Default false.</summary>
    public bool AutoRejoin { get; init; }

    /// <summary><c>fence_timeout</c>: how long a primary may go without seeing a majority of voters before it fences itself.
    /// Voters promise a lease of 4/3 of it, so it must stay below the failover detection time
    /// (<c>reconnect_attempts × reconnect_interval</c>; with automatic failover a longer one is a configuration error).
    /// Seconds (units allowed), 1 s-3600 s, default 1.5 s.</summary>
    public TimeSpan FenceTimeout { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary><c>commit_lease</c>: with automatic failover in async mode, the primary's commits wait until its agent
    /// confirms that a majority of voters still acknowledges it (a local replication connection named
    /// <c>pgward_lease</c> in <c>synchronous_standby_names</c>), so a primary that resumes after a freeze, or whose agent
    /// died, acknowledges no commit beside a new primary. Default true.</summary>
    public bool CommitLease { get; init; } = true;

    /// <summary><c>replication_mode</c>: <c>async</c> or <c>sync</c>. Default async.</summary>
    public ReplicationMode ReplicationMode { get; init; } = ReplicationMode.Async;

    /// <summary><c>maximum_lag_on_failover</c>: in async mode, a standby further behind than this is not promoted. Bytes (units kB, MB, GB allowed), default 16 MB.</summary>
    public long MaximumLagOnFailover { get; init; } = 16L * 1024 * 1024;

    /// <summary><c>agent_address</c>: address the daemon's HTTP API listens on; a non-loopback one needs TLS
    /// (<see cref="AgentTls"/>). Default 127.0.0.1.</summary>
    public string AgentAddress { get; init; } = "127.0.0.1";

    /// <summary><c>agent_port</c>: TCP port of the daemon's HTTP API, 1-65535. Default 8008.</summary>
    public int AgentPort { get; init; } = 8008;

    /// <summary><c>agent_token</c>: shared secret for the daemon's control endpoints. A secret: never printed. Default "".</summary>
    public string AgentToken { get; init; } = "";

    /// <summary><c>agent_tls</c>: <c>on</c> or <c>off</c>. Default: not set, which means on when
    /// <see cref="AgentTlsCertFile"/> is set, else plain HTTP allowed only on a loopback <c>agent_address</c> (the agent
    /// and the CLI refuse to send or take the token in clear text across a network unless this says <c>off</c>).</summary>
    public AgentTlsMode AgentTls { get; init; } = AgentTlsMode.Unset;

    /// <summary><c>agent_tls_cert_file</c>: PEM certificate the agent presents as server, and this node (agent and CLI)
    /// as client to other agents; it must name <c>agent_address</c>. An absolute path. Default "" (none).</summary>
    public string AgentTlsCertFile { get; init; } = "";

    /// <summary><c>agent_tls_key_file</c>: PEM private key (RSA or ECDSA) of <see cref="AgentTlsCertFile"/>; refused when
    /// group or others can read it. An absolute path. Default "" (none).</summary>
    public string AgentTlsKeyFile { get; init; } = "";

    /// <summary><c>agent_tls_ca_file</c>: PEM CA certificate(s) the other agents' certificates are verified against
    /// (server and client certificates). An absolute path. Default "" (the system's trusted CAs, for servers only).</summary>
    public string AgentTlsCaFile { get; init; } = "";

    /// <summary><c>agent_tls_client_auth</c>: <c>none</c> or <c>require</c> (every caller presents a certificate issued
    /// by <see cref="AgentTlsCaFile"/>, on top of the token). Default none.</summary>
    public AgentTlsClientAuth AgentTlsClientAuth { get; init; } = AgentTlsClientAuth.None;

    /// <summary><c>agent_dashboard</c>: <c>token</c> or <c>public</c>. The web dashboard every agent serves at <c>/</c>
    /// shows the cluster's state to a browser that gives <see cref="AgentToken"/> (or, under
    /// <c>agent_tls_client_auth = require</c>, presents a certificate), or with <c>public</c> to anyone who reaches the
    /// agent. Its actions (switchover, pause) always need one of the two. Default token.</summary>
    public AgentDashboardMode AgentDashboard { get; init; } = AgentDashboardMode.Token;

    /// <summary><c>cluster</c>: the cluster's name, the <c>cluster</c> label of every metric this node's agent (or this
    /// backup server) serves at <c>/metrics</c>; give every node of a cluster and its backup server the same one, and each
    /// cluster its own, to tell them apart in Prometheus. repmgr 3's key of the same meaning. Default "pgward".</summary>
    public string Cluster { get; init; } = "pgward";

    /// <summary><c>metrics</c>: whether the agent (or the backup server's daemon) serves Prometheus metrics at
    /// <c>/metrics</c> on <c>agent_address:agent_port</c>. Off: no route, and nothing of the metrics is kept. Default on.</summary>
    public bool Metrics { get; init; } = true;

    /// <summary><c>metrics_auth</c>: <c>token</c> (a scrape sends <c>Authorization: Bearer &lt;agent_token&gt;</c>, which
    /// Prometheus does with <c>authorization: {credentials_file: ...}</c>; without <c>agent_token</c> the route answers
    /// 403) or <c>none</c> (anyone who reaches the port may read the metrics: they name nodes, roles and positions, no
    /// secret). Default token.</summary>
    public MetricsAuth MetricsAuth { get; init; } = MetricsAuth.Token;

    /// <summary><c>wal_fetch_parallel</c>: how many WAL segments <c>backup wal-fetch</c> (the restore_command that
    /// fetches WAL from the backup server) fetches at once: the one PostgreSQL asks for and the next ones of its
    /// timeline, which wait in <see cref="WalFetchSpoolDirectory"/> for the next calls, so that replay is not one round
    /// trip per segment. 0 or 1: only the segment asked for. 0-64, default 4.</summary>
    public int WalFetchParallel { get; init; } = 4;

    /// <summary><c>wal_fetch_spool_directory</c>: where <c>backup wal-fetch</c> keeps the segments it fetched ahead
    /// (mode 0700, files 0600, owned by PostgreSQL's OS user, which runs restore_command). Outside the data directory,
    /// one per node. An absolute path. Default "": <c>/var/tmp/pgward-wal-spool-&lt;node_name&gt;-&lt;hash of
    /// data_directory&gt;</c>.</summary>
    public string WalFetchSpoolDirectory { get; init; } = "";

    /// <summary><c>log_level</c>: DEBUG, INFO, NOTICE, WARNING or ERROR. Default NOTICE.</summary>
    public LogSeverity LogLevel { get; init; } = LogSeverity.Notice;

    /// <summary><c>log_file</c>: file to log to; an absolute path. Default "" (standard error).</summary>
    public string LogFile { get; init; } = "";

    /// <summary><c>pid_file</c>: the daemon's PID file; an absolute path. Default "" (none).</summary>
    public string PidFile { get; init; } = "";

    // --- service commands (run as is, without pg_bindir; use full paths) ---

    /// <summary><c>service_start_command</c>: starts PostgreSQL, e.g. through systemd. Default "" (pg_ctl start).</summary>
    public string ServiceStartCommand { get; init; } = "";

    /// <summary><c>service_stop_command</c>: stops PostgreSQL. Default "" (pg_ctl stop -m fast).</summary>
    public string ServiceStopCommand { get; init; } = "";

    /// <summary><c>service_restart_command</c>: restarts PostgreSQL. Default "" (pg_ctl restart).</summary>
    public string ServiceRestartCommand { get; init; } = "";

    /// <summary><c>service_reload_command</c>: reloads PostgreSQL's configuration. Default "" (pg_ctl reload).</summary>
    public string ServiceReloadCommand { get; init; } = "";

    /// <summary><c>service_promote_command</c>: a package-level promote such as pg_ctlcluster. Default "" (pg_ctl promote).</summary>
    public string ServicePromoteCommand { get; init; } = "";

    /// <summary>Absolute path of the file these options were read from; null when not read from a file.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>All settings as <c>name = value</c>, with secrets and conninfo passwords masked.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("NodeOptions { ");
        foreach (var key in ConfigKeys.All)
        {
            var value = key.Name == "conninfo" ? Postgres.Conninfo.Mask(Conninfo) : key.Show(this);
            sb.Append(key.Name).Append(" = '").Append(value).Append("', ");
        }

        return sb.Append("config_file = '").Append(ConfigFile).Append("' }").ToString();
    }
}
