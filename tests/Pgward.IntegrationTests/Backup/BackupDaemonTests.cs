using Pgward.Cluster.Backups;
using Pgward.Core.Config;
using Pgward.IntegrationTests.Backup.Wal;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

public sealed class BackupDaemonTests : PgIntegrationTest
{
    [Fact]
    public async Task Daemon_run_on_a_backup_server_streams_wal_and_the_catalog_commands_need_no_node_settings()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var daemon = PgwardCli.RunAsync(stop.Token, "-f", config, "daemon", "run");

        await server.ExecuteAsync("CREATE TABLE t AS SELECT g FROM generate_series(1, 10000) g", Token);
        var run = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
        Assert.False(daemon.IsCompleted, daemon.IsCompleted ? (await daemon).ToString() : null);
        Assert.True(run.ExitCode == 0, run.ToString());

        // The backup server's pgward.conf has only a [backup] section: backups and the catalog work with it.
        var create = await PgwardCli.RunAsync(Token, "-f", config, "backup", "create", "--wait", "--name", "nightly");
        Assert.True(create.ExitCode == 0, create.ToString());
        var list = await PgwardCli.RunAsync(Token, "-f", config, "backup", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("DONE", list.Out, StringComparison.OrdinalIgnoreCase);

        await stop.CancelAsync();
        var ended = await daemon;
        Assert.True(ended.ExitCode == 0, ended.ToString());
        Assert.Contains("streaming WAL into", ended.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_with_a_backup_schedule_takes_backups_by_itself_and_backup_status_shows_the_next_run()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        // Six fields, seconds first: every 5 s, so that the test need not wait for a minute's turn.
        await File.AppendAllTextAsync(config, "\nbackup_schedule = '*/5 * * * * *'\n", Token);
        var status = await PgwardCli.RunAsync(Token, "-f", config, "backup", "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("\tBackup schedule: '*/5 * * * * *', UTC\n", status.Out, StringComparison.Ordinal);
        Assert.Matches(@"\tNext scheduled backup: \d{4}-\d\d-\d\d \d\d:\d\d:\d[05]\+00 \(as backup create takes it; the daemon takes it\)\n", status.Out);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var started = TimeProvider.System.GetTimestamp();
        var daemon = PgwardCli.RunAsync(stop.Token, "-f", config, "daemon", "run");
        var catalog = new Pgward.Backup.Catalog.BackupCatalog(new Pgward.Backup.BackupLayout(Path.Combine(Directory.Path, "backup")));
        // Nobody runs backup create: the daemon takes the backup by itself, within a few of its 5 s turns.
        await Sql.WaitUntilAsync(() => Task.FromResult(daemon.IsCompleted || catalog.List().Any(b => b.Status != Pgward.Backup.Catalog.BackupStatus.Failed
            && b.EndTime is not null)), Token);
        var took = TimeProvider.System.GetElapsedTime(started);
        Assert.False(daemon.IsCompleted, daemon.IsCompleted ? (await daemon).ToString() : null);
        Assert.True(took < TimeSpan.FromSeconds(15), $"the first scheduled backup was copied {took.TotalSeconds:0.0} s after the daemon started");

        await stop.CancelAsync();
        var ended = await daemon;
        Assert.True(ended.ExitCode == 0, ended.ToString());
        Assert.Matches(@"scheduled backup of \d{4}-\d\d-\d\d \d\d:\d\d:\d[05]\+00: starting", ended.Error);
        Assert.DoesNotMatch("scheduled [a-z ]*backup of .* failed|loop backup schedule failed", ended.Error);
        // The stop may have interrupted a backup, recorded as FAILED: backup check's line says so, or that the last one was taken.
        var check = await PgwardCli.RunAsync(Token, "-f", config, "backup", "check");
        Assert.Matches(@"\tscheduled backups: (OK \(the backup of .* (was taken|is about to begin)|FAILED \(the scheduled backup of .* failed: interrupted)", check.Out);
    }

    [Fact]
    public async Task Sandbox_up_sets_up_a_backup_server_with_a_first_backup_and_sandbox_down_stops_its_daemon()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 1, Token, backup: true);
        try
        {
            var list = await PgwardCli.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "list", "--json");
            Assert.True(list.ExitCode == 0, list.ToString());
            Assert.Contains("DONE", list.Out, StringComparison.OrdinalIgnoreCase);
            var check = await PgwardCli.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "check", "--nagios");
            Assert.True(check.ExitCode == 0, check.ToString());
            await AssertEndpointServesAsync(sandbox);
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Contains("backup server: daemon stopped", down.Error, StringComparison.Ordinal);
        }
    }

    /// <summary>The backup server's endpoint: registered in the metadata, HTTPS with the sandbox's CA, the token on every
    /// route, the catalog as the CLI lists it.</summary>
    private async Task AssertEndpointServesAsync(Sandbox sandbox)
    {
        var node1 = ConfigLoader.LoadFile(sandbox.Config(1)).Options!;
        await using var connection = new Npgsql.NpgsqlConnection(sandbox.ConnectionString(1));
        await connection.OpenAsync(Token);
        var (url, problem) = await BackupEndpoints.FindAsync(connection, null, Token);
        Assert.True(url is not null, problem);
        Assert.StartsWith("https://127.0.0.1:", url, StringComparison.Ordinal);

        using var client = new BackupEndpointClient(node1, TimeProvider.System);
        var status = await client.GetStatusAsync(url, Token);
        Assert.True(status.Succeeded, status.Error);
        Assert.Equal("backup", status.Body!.Name);
        Assert.Equal(await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "SELECT system_identifier FROM pg_control_system()", Token),
            long.Parse(status.Body.SystemIdentifier!, System.Globalization.CultureInfo.InvariantCulture));
        var backups = await client.ListBackupsAsync(url, Token);
        Assert.True(backups.Succeeded, backups.Error);
        Assert.Equal(status.Body.NewestBackup, Assert.Single(backups.Body!, b => b.Status == "DONE").Id);

        using var stranger = new BackupEndpointClient(node1 with { AgentToken = "not-the-token" }, TimeProvider.System);
        var refused = await stranger.GetStatusAsync(url, Token);
        Assert.Equal(401, refused.StatusCode);
        Assert.Contains("wrong token", refused.Error, StringComparison.Ordinal);
        using var untrusting = new BackupEndpointClient(node1 with { AgentTlsCaFile = TestAuthentication.Current.CaFile }, TimeProvider.System);
        var untrusted = await untrusting.GetStatusAsync(url, Token);
        Assert.False(untrusted.Reachable);
        Assert.Contains("certificate of the backup server at " + url, untrusted.Error, StringComparison.Ordinal);
        await AssertMetricsServedAsync(node1, url);
    }

    /// <summary>Issue 18: the backup server's /metrics on the same endpoint, behind the token: the catalog, the archive's
    /// lag behind the primary, each check of backup check.</summary>
    private async Task AssertMetricsServedAsync(NodeOptions node1, string url)
    {
        var metrics = await MetricsScrape.GetAsync(node1, url, Token);
        Assert.True(metrics.Value("pgward_backups", ("status", "done"), ("node", "backup"), ("cluster", "pgward")) == 1, metrics.Text);
        Assert.True(metrics.Value("pgward_backup_check_ok", ("check", "PostgreSQL")) == 1, metrics.Text);
        Assert.True(metrics.Value("pgward_backup_last_age_seconds") is >= 0 and < 600, metrics.Text);
        Assert.True(metrics.Value("pgward_backup_last_duration_seconds") is >= 0, metrics.Text);
        Assert.True(metrics.Value("pgward_wal_archive_lag_bytes") is >= 0, metrics.Text);
        Assert.True(metrics.Value("pgward_wal_archive_lag_seconds") is >= 0, metrics.Text);
        Assert.True(metrics.Value("pgward_wal_archive_last_segment", ("timeline", "1")) > 0, metrics.Text);
        Assert.True(metrics.Value("pgward_backup_disk_free_bytes") > 0, metrics.Text);
        var (status, _) = await MetricsScrape.RequestAsync(node1 with { AgentToken = "" }, url, Token);
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task Daemon_applies_the_retention_policy_when_it_starts()
    {
        var server = await StartServerAsync("primary");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        await File.AppendAllTextAsync(config, "\nretention_policy = 'REDUNDANCY 1'\nminimum_redundancy = 1\n", Token);
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Token))
        {
            var daemon = PgwardCli.RunAsync(stop.Token, "-f", config, "daemon", "run");
            for (var i = 0; i < 2; i++)
            {
                var create = await PgwardCli.RunAsync(Token, "-f", config, "backup", "create", "--wait");
                Assert.True(create.ExitCode == 0, create.ToString());
            }
            await stop.CancelAsync();
            Assert.Equal(0, (await daemon).ExitCode);
        }
        Assert.Equal(2, System.IO.Directory.GetDirectories(Path.Combine(Directory.Path, "backup", "base")).Length);

        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Token))
        {
            var daemon = PgwardCli.RunAsync(stop.Token, "-f", config, "daemon", "run");
            await Sql.WaitUntilAsync(() => Task.FromResult(
                System.IO.Directory.GetDirectories(Path.Combine(Directory.Path, "backup", "base")).Length == 1), Token);
            await stop.CancelAsync();
            var ended = await daemon;
            Assert.Contains("retention (REDUNDANCY 1): 1 backups", ended.Error, StringComparison.Ordinal);
        }
    }
}
