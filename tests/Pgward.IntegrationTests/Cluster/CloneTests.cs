using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class CloneTests : PgIntegrationTest
{
    [Fact]
    public async Task Clone_refuses_a_non_empty_data_directory_without_force_and_leaves_it_unchanged()
    {
        var primary = await StartServerAsync("primary");
        var target = await Directory.CreateSubdirectoryAsync("standby/data", Token);
        var keep = Path.Combine(target, "precious.txt");
        await File.WriteAllTextAsync(keep, "do not delete", Token);
        var config = await StandbyConfigAsync(primary, target);

        var clone = await PgwardCli.RunAsync(Token, "-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres");

        Assert.NotEqual(0, clone.ExitCode);
        Assert.Contains($"data directory \"{target}\" exists and is not empty", clone.Error, StringComparison.Ordinal);
        Assert.Contains("-F/--force", clone.Error, StringComparison.Ordinal);
        Assert.Equal([keep], System.IO.Directory.GetFileSystemEntries(target));
        Assert.Equal("do not delete", await File.ReadAllTextAsync(keep, Token));
    }

    [Fact]
    public async Task Clone_with_force_replaces_a_non_empty_data_directory_with_a_standby()
    {
        var primary = await StartServerAsync("primary");
        var target = await Directory.CreateSubdirectoryAsync("standby/data", Token);
        await File.WriteAllTextAsync(Path.Combine(target, "stale.txt"), "old", Token);
        var config = await StandbyConfigAsync(primary, target);

        var clone = await PgwardCli.RunAsync(Token, "-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}",
            "-U", "postgres", "--fast-checkpoint", "-F");

        Assert.True(clone.ExitCode == 0, clone.ToString());
        Assert.False(File.Exists(Path.Combine(target, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(target, "standby.signal")));
        var autoConf = await File.ReadAllTextAsync(Path.Combine(target, "postgresql.auto.conf"), Token);
        Assert.Contains("application_name=node2", autoConf, StringComparison.Ordinal);
        Assert.Contains("primary_slot_name = 'pgward_slot_2'", autoConf, StringComparison.Ordinal);
        Assert.Equal(1L, await primary.QueryScalarAsync<long>(
            "select count(*) from pg_replication_slots where slot_name = 'pgward_slot_2'", Token));
    }

    [Fact]
    public async Task Clone_names_the_failed_check_when_the_upstream_has_no_wal_senders()
    {
        var primary = await StartServerAsync("primary", PgServerSettings.Default.WithGuc("max_wal_senders", "0"));
        var target = Path.Combine(Directory.Path, "standby", "data");
        var config = await StandbyConfigAsync(primary, target);

        var clone = await PgwardCli.RunAsync(Token, "-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres");

        Assert.Equal(14, clone.ExitCode);
        Assert.Contains("check \"max_wal_senders\" failed: max_wal_senders is 0 on the upstream", clone.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was written", clone.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(target));
    }

    [Fact]
    public async Task Clone_names_the_failed_check_when_pg_hba_refuses_replication_connections()
    {
        var primary = await StartServerAsync("primary", PgServerSettings.Default with
        {
            AllowReplication = false,
            ExtraHbaLines = ["host replication all 127.0.0.1/32 reject"],
        });
        var target = Path.Combine(Directory.Path, "standby", "data");
        var config = await StandbyConfigAsync(primary, target);

        var clone = await PgwardCli.RunAsync(Token, "-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres");

        Assert.Equal(14, clone.ExitCode);
        Assert.Contains("check \"replication connection\" failed", clone.Error, StringComparison.Ordinal);
        Assert.Contains("pg_hba.conf", clone.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(target));
        Assert.Equal(0L, await primary.QueryScalarAsync<long>("select count(*) from pg_replication_slots", Token));
    }

    [Fact]
    public async Task Clone_dry_run_prints_every_check_and_its_result_at_the_default_log_level()
    {
        var primary = await StartServerAsync("primary");
        var target = Path.Combine(Directory.Path, "standby", "data");
        var config = await StandbyConfigAsync(primary, target);

        var dryRun = await PgwardCli.RunAsync(Token, "-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres",
            "--dry-run");

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        foreach (var check in new[] { "data directory", "server version", "wal_level", "max_wal_senders", "replication slots", "replication connection", "port" })
        {
            Assert.Contains($"check \"{check}\" passed: ", dryRun.Error, StringComparison.Ordinal);
        }
        Assert.Contains("would run: ", dryRun.Error, StringComparison.Ordinal);
        Assert.Contains("prerequisites for cloning are met", dryRun.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(target));
    }

    [Fact]
    public async Task Clone_sets_the_port_from_conninfo_so_that_the_standby_starts_beside_its_upstream()
    {
        var primary = await StartServerAsync("primary");
        var target = Path.Combine(await Directory.CreateSubdirectoryAsync("standby", Token), "data");
        var port = FreePort.Next();
        var config = await StandbyConfigAsync(primary, target, port);

        var clone = await PgwardCli.RunAsync(Token, "-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres", "-c");
        Assert.True(clone.ExitCode == 0, clone.ToString());
        Assert.Contains($"port = {port}", clone.Error, StringComparison.Ordinal);
        Assert.Contains($"port = '{port}'", await File.ReadAllTextAsync(Path.Combine(target, "postgresql.auto.conf"), Token), StringComparison.Ordinal);

        ServerRegistry.Track(target);
        var start = await PgwardCli.RunAsync(Token, "-f", config, "node", "service", "--action=start");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.True(await Sql.ScalarAsync<bool>(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5;{TestAuthentication.Current.NpgsqlSecurity}",
            "select pg_is_in_recovery()", Token));
    }

    [Fact]
    public async Task A_failed_start_shows_why_from_the_server_log_written_by_the_logging_collector()
    {
        var primary = await StartServerAsync("primary", PgServerSettings.Default.WithGuc("logging_collector", "on"));
        var target = Path.Combine(await Directory.CreateSubdirectoryAsync("standby", Token), "data");
        var port = FreePort.Next();
        var config = await StandbyConfigAsync(primary, target, port);
        var clone = await PgwardCli.RunAsync(Token, "-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres", "-c");
        Assert.True(clone.ExitCode == 0, clone.ToString());

        // Something else listens on the node's port: the server cannot bind it and says so only in its own log.
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        squatter.Start();
        ServerRegistry.Track(target);
        var start = await PgwardCli.RunAsync(Token, "-f", config, "node", "service", "--action=start");

        Assert.True(start.ExitCode == 5, start.ToString());
        Assert.Contains("Address already in use", start.Error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(target, "log"), start.Error, StringComparison.Ordinal);
    }

    /// <summary>pg_basebackup_options, repmgr's key, read and ignored before: WAL kept on another disk (--waldir), and a
    /// tablespace moved (-T), which a standby beside its primary needs. An option pgward sets itself is refused before
    /// anything is written. A clone again over the standby with -F empties what its pg_wal and tablespace links point to,
    /// which pg_basebackup needs empty: the second clone failed ("exists but is not empty").</summary>
    [Fact]
    public async Task Clone_adds_pg_basebackup_options_refuses_those_pgward_sets_itself_and_clones_again_over_its_links()
    {
        var primary = await StartServerAsync("primary");
        var primaryTablespace = await Directory.CreateSubdirectoryAsync("tablespace-primary", Token);
        await primary.ExecuteAsync($"CREATE TABLESPACE extra LOCATION '{primaryTablespace}'", Token);
        await primary.ExecuteAsync("CREATE TABLE moved TABLESPACE extra AS SELECT g AS id FROM generate_series(1, 1000) g", Token);
        var target = Path.Combine(await Directory.CreateSubdirectoryAsync("standby", Token), "data");
        var standbyTablespace = await Directory.CreateSubdirectoryAsync("tablespace-standby", Token);
        var waldir = await Directory.CreateSubdirectoryAsync("standby-wal", Token);
        var port = FreePort.Next();
        var config = await StandbyConfigAsync(primary, target, port);
        string[] clone = ["-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres", "-c"];

        await NodeConfig.SetAsync(config, Token, "pg_basebackup_options = '--max-rate=1000M --wal-method=fetch'");
        var refused = await PgwardCli.RunAsync(Token, clone);
        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.Contains("check \"pg_basebackup_options\" failed: pg_basebackup_options sets what pgward sets itself: --wal-method (set by pgward, "
            + "which streams the WAL (stream))", refused.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(target) && System.IO.Directory.EnumerateFileSystemEntries(target).Any(), "the refused clone wrote");

        await NodeConfig.SetAsync(config, Token, $"pg_basebackup_options = '--max-rate=1000M --waldir={waldir} -T {primaryTablespace}={standbyTablespace}'");
        var standby = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5;{TestAuthentication.Current.NpgsqlSecurity}";
        ServerRegistry.Track(target);
        foreach (var force in new[] { false, true })
        {
            if (force)
            {
                var dryRun = await PgwardCli.RunAsync(Token, [.. clone, "-F", "--dry-run"]);
                Assert.Contains($"its contents will be deleted (-F/--force), and the WAL in \"{waldir}\" and this server's files in its 1 tablespace",
                    dryRun.Error, StringComparison.Ordinal);
            }
            var cloned = await PgwardCli.RunAsync(Token, force ? [.. clone, "-F"] : clone);
            Assert.True(cloned.ExitCode == 0, cloned.ToString());
            Assert.Equal(waldir, new DirectoryInfo(Path.Combine(target, "pg_wal")).LinkTarget);
            var start = await PgwardCli.RunAsync(Token, "-f", config, "node", "service", "--action=start");
            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.True(await Sql.ScalarAsync<bool>(standby, "select pg_is_in_recovery()", Token));
            Assert.Equal(1000, await Sql.ScalarAsync<long>(standby, "select count(*) from moved", Token));
            Assert.Equal(standbyTablespace, await Sql.ScalarAsync<string>(standby, "select pg_tablespace_location(oid) from pg_tablespace where spcname = 'extra'", Token));
            var stop = await PgwardCli.RunAsync(Token, "-f", config, "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }
    }

    /// <summary>repmgr's <c>--replication-conf-only</c>: a data directory the DBA copied with a pg_basebackup of their own gets
    /// the standby configuration only, and streams once started; no directory, a running server and another cluster's
    /// copy are refused with nothing written.</summary>
    [Fact]
    public async Task Replication_conf_only_configures_a_copy_made_by_other_means_and_refuses_what_is_no_copy()
    {
        var primary = await StartServerAsync("primary");
        await primary.ExecuteAsync("create table t as select generate_series(1, 100) as id", Token);
        var target = Path.Combine(await Directory.CreateSubdirectoryAsync("standby", Token), "data");
        var port = FreePort.Next();
        var config = await StandbyConfigAsync(primary, target, port);
        string[] confOnly = ["-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres", "--replication-conf-only"];

        var nothing = await PgwardCli.RunAsync(Token, confOnly);
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains($"data directory \"{target}\" holds no PostgreSQL cluster (no PG_VERSION)", nothing.Error, StringComparison.Ordinal);

        // The DBA's own copy, with no standby configuration in it.
        var env = PgTestEnvironment.Require();
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Pgward.Core.IO.FileOwner.Match(Path.GetDirectoryName(target)!, primary.DataDirectory);
        var copy = await env.Runner.RunAsync(env.ToolRequest("pg_basebackup",
            ["-D", target, "-d", primary.Conninfo, "-X", "stream", "-c", "fast"], TimeSpan.FromMinutes(2)), Token);
        Assert.True(copy.Succeeded, copy.Describe());
        ServerRegistry.Track(target);
        await primary.ExecuteAsync("insert into t select generate_series(101, 200)", Token);
        // As a point-in-time restore by another tool leaves them: a standby that kept them would stop replaying there.
        await File.AppendAllTextAsync(Path.Combine(target, "postgresql.auto.conf"),
            "recovery_target_time = '2020-01-01 00:00:00+00'\nrecovery_target_action = 'pause'\nrecovery_target_timeline = 'latest'\n", Token);

        var dryRun = await PgwardCli.RunAsync(Token, [.. confOnly, "--dry-run"]);
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains("is a copy of the upstream's cluster", dryRun.Error, StringComparison.Ordinal);
        Assert.Contains("would write primary_conninfo, primary_slot_name, port in postgresql.auto.conf, and standby.signal", dryRun.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target, "standby.signal")));

        var written = await PgwardCli.RunAsync(Token, confOnly);
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Contains("removing recovery_target_time, recovery_target_action from postgresql.auto.conf", written.Error, StringComparison.Ordinal);
        // A bare primary, not registered yet: the event is not recorded, and the warning says why in a line.
        Assert.Contains("event \"standby_clone\" not recorded: the cluster has no pgward metadata yet", written.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(target, "standby.signal")));
        var autoConf = await File.ReadAllTextAsync(Path.Combine(target, "postgresql.auto.conf"), Token);
        Assert.Contains("application_name=node2", autoConf, StringComparison.Ordinal);
        Assert.Contains($"port = '{port}'", autoConf, StringComparison.Ordinal);
        Assert.DoesNotContain("recovery_target_time =", autoConf, StringComparison.Ordinal);
        Assert.Contains("recovery_target_timeline = 'latest'", autoConf, StringComparison.Ordinal);
        Assert.Equal(1L, await primary.QueryScalarAsync<long>("select count(*) from pg_replication_slots where slot_name = 'pgward_slot_2'", Token));

        var start = await PgwardCli.RunAsync(Token, "-f", config, "node", "service", "--action=start");
        Assert.True(start.ExitCode == 0, start.ToString());
        var standby = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5;{TestAuthentication.Current.NpgsqlSecurity}";
        Assert.True(await Sql.ScalarAsync<bool>(standby, "select pg_is_in_recovery()", Token));
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(standby, "select count(*) from t", Token) == 200, Token);
        Assert.Equal(1L, await primary.QueryScalarAsync<long>("select count(*) from pg_stat_replication where application_name = 'node2'", Token));

        var running = await PgwardCli.RunAsync(Token, confOnly);
        Assert.Equal(1, running.ExitCode);
        Assert.Contains("is running in data directory", running.Error, StringComparison.Ordinal);
        var stop = await PgwardCli.RunAsync(Token, "-f", config, "node", "service", "--action=stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());

        // Another cluster's data directory (stopped) is no copy of this upstream.
        var other = await StartServerAsync("other");
        await other.StopAsync(immediate: false, Token);
        var otherConfig = await StandbyConfigAsync(primary, other.DataDirectory);
        var foreign = await PgwardCli.RunAsync(Token, "-f", otherConfig, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres",
            "--replication-conf-only");
        Assert.NotEqual(0, foreign.ExitCode);
        Assert.Contains("belongs to another cluster", foreign.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(other.DataDirectory, "standby.signal")));
    }

    /// <summary>repmgr's <c>--upstream-conninfo</c>: primary_conninfo as given (the copy still from -h), tried first; one
    /// with a password is refused, one that answers nothing yet passes with a word.</summary>
    [Fact]
    public async Task Upstream_conninfo_is_written_as_primary_conninfo_without_a_password()
    {
        var primary = await StartServerAsync("primary");
        var target = Path.Combine(await Directory.CreateSubdirectoryAsync("standby", Token), "data");
        var port = FreePort.Next();
        var config = await StandbyConfigAsync(primary, target, port);
        string[] clone = ["-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres", "-c"];

        var secret = await PgwardCli.RunAsync(Token, [.. clone, "--upstream-conninfo", $"host=127.0.0.1 port={primary.Port} password=hunter2"]);
        Assert.Equal(1, secret.ExitCode);
        Assert.Contains("--upstream-conninfo holds a password", secret.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", secret.ToString(), StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(target) && System.IO.Directory.EnumerateFileSystemEntries(target).Any());

        var later = await PgwardCli.RunAsync(Token, [.. clone, "--dry-run", "--upstream-conninfo", "host=127.0.0.1 port=1 connect_timeout=2"]);
        Assert.True(later.ExitCode == 0, later.ToString());
        Assert.Contains("--upstream-conninfo does not answer now", later.Error, StringComparison.Ordinal);

        var given = $"host=127.0.0.1 port={primary.Port} connect_timeout=7 {TestAuthentication.Current.ConninfoSecurity}";
        var checkedFirst = await PgwardCli.RunAsync(Token, [.. clone, "--dry-run", "--upstream-conninfo", given]);
        Assert.Contains("--upstream-conninfo reaches the upstream's cluster as \"postgres\"", checkedFirst.Error, StringComparison.Ordinal);
        var cloned = await PgwardCli.RunAsync(Token, [.. clone, "--upstream-conninfo", given]);
        Assert.True(cloned.ExitCode == 0, cloned.ToString());
        var autoConf = await File.ReadAllTextAsync(Path.Combine(target, "postgresql.auto.conf"), Token);
        Assert.Contains($"primary_conninfo = 'host=127.0.0.1 port={primary.Port} connect_timeout=7 ", autoConf, StringComparison.Ordinal);
        Assert.Contains("user=postgres", autoConf, StringComparison.Ordinal);
        Assert.Contains("application_name=node2", autoConf, StringComparison.Ordinal);

        ServerRegistry.Track(target);
        var start = await PgwardCli.RunAsync(Token, "-f", config, "node", "service", "--action=start");
        Assert.True(start.ExitCode == 0, start.ToString());
        await Sql.WaitUntilAsync(async () => await primary.QueryScalarAsync<long>(
            "select count(*) from pg_stat_replication where application_name = 'node2' and state = 'streaming'", Token) == 1, Token);
    }

    /// <summary>repmgr's <c>--recovery-min-apply-delay</c> and key: a delayed standby, its delay written where the
    /// server reads it; a delay PostgreSQL would not take is refused with nothing written.</summary>
    [Fact]
    public async Task Recovery_min_apply_delay_makes_a_delayed_standby_the_option_over_the_config_key()
    {
        var primary = await StartServerAsync("primary");
        await primary.ExecuteAsync("CREATE TABLE t (id int)", Token);
        var target = Path.Combine(await Directory.CreateSubdirectoryAsync("standby", Token), "data");
        var port = FreePort.Next();
        var config = await StandbyConfigAsync(primary, target, port, ("recovery_min_apply_delay", "90000"));
        string[] clone = ["-f", config, "standby", "clone", "-h", "127.0.0.1", "-p", $"{primary.Port}", "-U", "postgres", "-c"];

        var bad = await PgwardCli.RunAsync(Token, [.. clone, "--recovery-min-apply-delay", "soon"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--recovery-min-apply-delay: \"soon\" is not a delay from 0 to 24 days", bad.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(target) && System.IO.Directory.EnumerateFileSystemEntries(target).Any());

        var fromConfig = await PgwardCli.RunAsync(Token, [.. clone, "--dry-run"]);
        Assert.True(fromConfig.ExitCode == 0, fromConfig.ToString());
        Assert.Contains("recovery_min_apply_delay = '90s'", fromConfig.Error, StringComparison.Ordinal);

        var cloned = await PgwardCli.RunAsync(Token, [.. clone, "--recovery-min-apply-delay", "5min"]);
        Assert.True(cloned.ExitCode == 0, cloned.ToString());
        Assert.Contains("recovery_min_apply_delay = '5min' written to postgresql.auto.conf", cloned.Error, StringComparison.Ordinal);
        ServerRegistry.Track(target);
        var start = await PgwardCli.RunAsync(Token, "-f", config, "node", "service", "--action=start");
        Assert.True(start.ExitCode == 0, start.ToString());
        var standby = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5;{TestAuthentication.Current.NpgsqlSecurity}";
        Assert.Equal("5min", await Sql.ScalarAsync<string>(standby, "SHOW recovery_min_apply_delay", Token));

        // It receives at once and applies five minutes later.
        await primary.ExecuteAsync("INSERT INTO t VALUES (1)", Token);
        var written = await primary.QueryScalarAsync<string>("SELECT pg_current_wal_lsn()::text", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(standby, $"SELECT pg_last_wal_receive_lsn() >= '{written}'", Token), Token);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(standby, "SELECT count(*) FROM t", Token));
        var status = await PgwardCli.RunAsync(Token, "-f", config, "node", "status");
        Assert.Contains("Apply delay: 5min (recovery_min_apply_delay: a delayed standby, never promoted automatically)", status.Out, StringComparison.Ordinal);
    }

    private Task<string> StandbyConfigAsync(PgServer primary, string dataDirectory, int? port = null, params (string, string)[] settings) =>
        NodeConfig.WriteAsync(Path.Combine(Directory.Path, "standby.conf"), 2, "node2",
            $"host=127.0.0.1 port={port ?? FreePort.Next()} user=postgres dbname=postgres connect_timeout=2 {TestAuthentication.Current.ConninfoSecurity}", dataDirectory, Token,
            [("use_replication_slots", "true"), .. settings]);
}
