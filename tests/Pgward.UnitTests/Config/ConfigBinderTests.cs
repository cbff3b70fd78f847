using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public class ConfigBinderTests
{
    private const string Required = """
        node_id = 1
        node_name = 'node1'
        conninfo = 'host=node1 dbname=pgward user=pgward connect_timeout=2'
        data_directory = '/var/lib/postgresql/15/main'

        """;

    /// <summary><see cref="Required"/> with <paramref name="key"/>'s line left blank, so that a test can set it again at line 5.</summary>
    private static string Without(string key) =>
        System.Text.RegularExpressions.Regex.Replace(Required, $@"(?m)^{key} = .*$", "");

    internal static ConfigLoadResult Bind(string text)
    {
        var parsed = ConfigParser.Parse(text, "/etc/pgward.conf");
        Assert.Empty(parsed.Errors);
        return ConfigBinder.Bind(parsed.Entries, "/etc/pgward.conf");
    }

    [Fact]
    public void Bind_uses_defaults_when_only_required_keys_are_set()
    {
        var result = Bind(Required);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
        var o = result.Options!;
        Assert.Equal(1, o.NodeId);
        Assert.Equal("node1", o.NodeName);
        Assert.Equal(100, o.Priority);
        Assert.Equal(FailoverMode.Manual, o.Failover);
        Assert.Equal(TimeSpan.FromSeconds(10), o.EventNotificationTimeout);
        Assert.Equal(16L * 1024 * 1024, o.MaximumLagOnFailover);
        Assert.Equal(8008, o.AgentPort);
        Assert.Equal(LogSeverity.Notice, o.LogLevel);
        Assert.Equal("/etc/pgward.conf", o.ConfigFile);
        Assert.Empty(o.EventNotifications);
    }

    [Fact]
    public void Bind_reads_every_type_when_values_are_valid()
    {
        var o = Bind(Required + """
            failover = Automatic
            use_replication_slots = yes
            monitor_interval_secs = 2
            reconnect_interval = 500ms
            reconnect_attempts = 6
            fence_timeout = '3s'
            maximum_lag_on_failover = 1GB
            event_notifications = 'standby_promote, standby_follow,'
            agent_dashboard = public
            replication_mode = sync
            log_level = debug
            agent_port = 0x1F90
            """).Options!;

        Assert.Equal(FailoverMode.Automatic, o.Failover);
        Assert.True(o.UseReplicationSlots);
        Assert.Equal(TimeSpan.FromSeconds(2), o.MonitorInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.ReconnectInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), o.FenceTimeout);
        Assert.Equal(1L << 30, o.MaximumLagOnFailover);
        Assert.Equal(["standby_promote", "standby_follow"], o.EventNotifications);
        Assert.Equal(AgentDashboardMode.Public, o.AgentDashboard);
        Assert.Equal(ReplicationMode.Sync, o.ReplicationMode);
        Assert.Equal(LogSeverity.Debug, o.LogLevel);
        Assert.Equal(8080, o.AgentPort);
    }

    [Theory]
    [InlineData("recovery_min_apply_delay = 90000", "90s")] // a bare number is milliseconds, as PostgreSQL reads it
    [InlineData("recovery_min_apply_delay = '1h'", "1h")]
    [InlineData("recovery_min_apply_delay = 120min", "2h")]
    [InlineData("recovery_min_apply_delay = 1500", "1500ms")]
    [InlineData("recovery_min_apply_delay = 0", "0ms")]
    public void Bind_reads_recovery_min_apply_delay_as_postgresql_does_and_formats_it_in_its_largest_exact_unit(string line, string written)
    {
        var o = Bind(Required + line + "\n").Options!;

        Assert.Equal(written, ApplyDelays.Format(o.RecoveryMinApplyDelay));
    }

    [Fact]
    public void Bind_names_key_expected_and_found_when_type_is_wrong()
    {
        var result = Bind(Required + "priority = high\n");

        Assert.False(result.Succeeded);
        Assert.Null(result.Options);
        var error = Assert.Single(result.Errors);
        Assert.Equal(
            "/etc/pgward.conf:5: \"priority\": expected an integer from 0 to 2147483647, got \"high\"",
            error.ToString());
    }

    [Theory]
    [InlineData("priority = -1", "priority")]
    [InlineData("node_id = 0", "node_id")]
    [InlineData("agent_port = 70000", "agent_port")]
    [InlineData("reconnect_attempts = 101", "reconnect_attempts")]
    [InlineData("monitor_interval_secs = 0", "monitor_interval_secs")]
    [InlineData("event_notification_timeout = 2h", "event_notification_timeout")]
    [InlineData("use_replication_slots = maybe", "use_replication_slots")]
    [InlineData("failover = sometimes", "failover")]
    [InlineData("maximum_lag_on_failover = 16XB", "maximum_lag_on_failover")]
    [InlineData("recovery_min_apply_delay = 25d", "recovery_min_apply_delay")]
    [InlineData("recovery_min_apply_delay = -1", "recovery_min_apply_delay")]
    [InlineData("node_name = 'a name that is far too long for postgresql application_name, over 63'", "node_name")]
    public void Bind_reports_key_and_range_when_value_is_out_of_range(string line, string key)
    {
        var result = Bind(Without(key) + line + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(key, error.Key);
        Assert.Equal(5, error.Line);
        Assert.StartsWith("expected ", error.Message);
    }

    [Fact]
    public void Bind_collects_all_problems_when_several_values_are_bad()
    {
        var result = Bind(Required + "priority = high\nagent_port = 0\nfailover = maybe\n");

        Assert.Equal(["priority", "agent_port", "failover"], result.Errors.Select(e => e.Key));
    }

    [Fact]
    public void Bind_lists_every_missing_required_key_when_file_is_empty()
    {
        var result = Bind("# nothing here\n");

        Assert.Equal(["node_id", "node_name", "conninfo", "data_directory"], result.Errors.Select(e => e.Key));
        Assert.All(result.Errors, e => Assert.Equal(0, e.Line));
        Assert.All(result.Errors, e => Assert.Contains("required", e.Message));
    }

    [Fact]
    public void Bind_warns_and_continues_when_key_is_unknown_or_unused_repmgr_key()
    {
        var result = Bind(Required + "ssh_options = '-q'\nmade_up_key = 1\n");

        Assert.True(result.Succeeded);
        Assert.Equal(["ssh_options", "made_up_key"], result.Warnings.Select(w => w.Key));
        Assert.Equal("repmgr setting that pgward does not use; ignored (instead: pgward uses no SSH: the agents carry switchover, follow and "
            + "rejoin between hosts)", result.Warnings[0].Message);
        Assert.Contains("unknown", result.Warnings[1].Message);
        Assert.Equal(6, result.Warnings[1].Line);
    }

    [Fact]
    public void Every_unused_repmgr_key_with_a_word_on_what_does_its_job_is_an_unused_one() =>
        Assert.All(LegacyKeys.Instead.Keys, key => Assert.Contains(key, LegacyKeys.Unused));

    [Fact]
    public void Bind_maps_deprecated_repmgr_names_and_ignores_cluster()
    {
        var result = Bind("""
            node = 3
            node_name = 'node3'
            conninfo = 'host=node3'
            data_directory = '/data'
            loglevel = WARNING
            logfile = '/var/log/pgward.log'
            cluster = 'main'
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(3, result.Options!.NodeId);
        Assert.Equal(LogSeverity.Warning, result.Options.LogLevel);
        Assert.Equal("/var/log/pgward.log", result.Options.LogFile);
        Assert.Equal(["node", "loglevel", "logfile"], result.Warnings.Select(w => w.Key));
    }

    [Fact]
    public void Bind_fails_naming_both_lines_when_node_id_is_set_twice()
    {
        var result = Bind(Required + "node_id = 2\n");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("node_id", 5), (error.Key, error.Line));
        Assert.Contains("/etc/pgward.conf:1 and at /etc/pgward.conf:5", error.Message);
    }

    [Theory]
    [InlineData("priority = oops\npriority = 10\n", "priority")]
    [InlineData("priority = 10\npriority = 10\n", "priority")]
    [InlineData("node = 1\n", "node_id")]
    [InlineData("[backup]\nretention_policy = 'REDUNDANCY 1'\nretention_policy = 'REDUNDANCY 2'\n", "retention_policy")]
    public void Bind_fails_when_any_key_is_set_twice_in_a_section(string lines, string key)
    {
        var result = Bind(Required + lines);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Key == key && e.Message.StartsWith("set more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_accepts_the_same_key_in_different_sections()
    {
        Assert.True(Bind(Required + "[backup]\nconninfo = 'host=b'\n").Succeeded);
    }

    [Theory]
    [InlineData("data_directory = 'data'", "data_directory")]
    [InlineData("data_directory = './data'", "data_directory")]
    [InlineData("config_directory = 'etc'", "config_directory")]
    [InlineData("pg_bindir = 'bin'", "pg_bindir")]
    [InlineData("log_file = 'pgward.log'", "log_file")]
    [InlineData("pid_file = '~/pgward.pid'", "pid_file")]
    public void Bind_refuses_a_relative_path_naming_file_and_line(string line, string key)
    {
        var result = Bind(Without(key) + line + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(key, error.Key);
        Assert.True(error.Line > 0);
        Assert.StartsWith("must be an absolute path", error.Message);
    }

    [Fact]
    public void Bind_accepts_absolute_paths_and_empty_optional_paths()
    {
        var result = Bind(Required + "config_directory = '/etc/postgresql/15/main'\npg_bindir = ''\nlog_file = '/var/log/pgward.log'\n");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Bind_refuses_pg_ctl_options_that_pgward_decides_naming_the_option()
    {
        var result = Bind(Required + "pg_ctl_options = '-l /var/log/postgresql/startup.log -m smart'\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("pg_ctl_options", 5), (error.Key, error.Line));
        Assert.Equal("gives what pg_ctl cannot take from it: -m (set by pgward, which chooses how each stop shuts the server down)", error.Message);
        Assert.True(Bind(Required + "pg_ctl_options = '-l /var/log/postgresql/startup.log'\n").Succeeded);
    }

    [Theory]
    [InlineData("reconnect_attempts = 0", "reconnect_attempts")]
    [InlineData("reconnect_interval = 0", "reconnect_interval")]
    [InlineData("reconnect_interval = 0ms", "reconnect_interval")]
    public void Bind_refuses_a_zero_that_would_turn_automatic_failover_off(string line, string key)
    {
        var result = Bind(Required + line + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((key, 5), (error.Key, error.Line));
        Assert.StartsWith("expected ", error.Message);
    }

    [Fact]
    public void Bind_refuses_automatic_failover_when_detection_is_shorter_than_the_fence_timeout()
    {
        var result = Bind(Required + "failover = automatic\nreconnect_attempts = 1\nreconnect_interval = 1s\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("reconnect_interval", error.Key);
        Assert.Contains("\"fence_timeout\"; got reconnect_interval = 1s and fence_timeout = 1500ms", error.Message);
        Assert.True(Bind(Required + "failover = manual\nreconnect_attempts = 1\n").Succeeded);
        Assert.True(Bind(Required + "failover = automatic\nreconnect_attempts = 2\nreconnect_interval = 750ms\n").Succeeded);
    }

    [Theory]
    [InlineData("conninfo = 'host=node1 PASSWORD=s3cr3t'", "\"PASSWORD\" must be written in lower case")]
    [InlineData("conninfo = 'host=node1 Password=s3cr3t'", "\"Password\" must be written in lower case")]
    [InlineData("conninfo = 'postgresql://node1/pgward?PASSWORD=s3cr3t'", "\"PASSWORD\" must be written in lower case")]
    [InlineData("conninfo = 'host=node1 password=s3cr3t word'", "expected a libpq connection string")]
    public void Bind_refuses_a_conninfo_libpq_would_refuse_without_showing_it(string line, string message)
    {
        var result = Bind(Without("conninfo") + line + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("conninfo", 5), (error.Key, error.Line));
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("s3cr3t", error.ToString());
    }

    [Theory]
    [InlineData("replication_lag_warning = 600\nreplication_lag_critical = 300", "replication_lag_critical", "replication_lag_warning")]
    [InlineData("archive_ready_warning = 200", "archive_ready_critical", "archive_ready_warning")]
    [InlineData("node_rejoin_timeout = 2min", "standby_reconnect_timeout", "node_rejoin_timeout")]
    public void Bind_reports_both_keys_when_cross_check_fails(string lines, string key, string otherKey)
    {
        var result = Bind(Required + lines + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(key, error.Key);
        Assert.Contains(otherKey, error.Message);
        Assert.True(error.Line >= 5);
    }

    [Fact]
    public void Bind_accepts_critical_equal_reconnect_and_rejoin_timeouts()
    {
        Assert.True(Bind(Required + "standby_reconnect_timeout = 90\nnode_rejoin_timeout = 90s\n").Succeeded);
    }

    [Fact]
    public void Bind_keeps_other_sections_raw_without_validation_or_warnings()
    {
        var result = Bind(Required + "[backup]\nretention_policy = 'REDUNDANCY 2'\npriority = high\n");

        Assert.True(result.Succeeded);
        Assert.Empty(result.Warnings);
        Assert.Equal(100, result.Options!.Priority);
        Assert.Equal("REDUNDANCY 2", result.Sections["backup"]["retention_policy"]);
        Assert.Equal("high", result.Sections["backup"]["priority"]);
        Assert.Equal("node1", result.Sections[""]["node_name"]);
    }

    [Fact]
    public void Bind_accepts_a_repmgr_conf_with_warnings_for_repmgr_only_keys()
    {
        var result = Bind("""
            node_id=1
            node_name= node1
            conninfo ='host=node1 dbname=repmgr user=repmgr connect_timeout=2'
            data_directory = '/var/lib/pgsql/12/data'
            failover=automatic
            promote_command='/usr/bin/repmgr standby promote -f /etc/repmgr.conf --log-to-file'
            follow_command='/usr/bin/repmgr standby follow -f /etc/repmgr.conf --log-to-file --upstream-node-id=%n'
            reconnect_attempts=6
            reconnect_interval=10
            monitor_interval_secs=2
            log_facility=STDERR
            repmgrd_service_start_command='sudo systemctl start repmgrd'
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(TimeSpan.FromSeconds(10), result.Options!.ReconnectInterval);
        Assert.Equal(["log_facility", "repmgrd_service_start_command"], result.Warnings.Select(w => w.Key));
    }
}
