using Pgward.IntegrationTests.Backup.Wal;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// <c>backup register</c> writes the backup server's row on the primary (found through a standby's conninfo), cluster
/// show lists it under the nodes but never as a node, the daemon refreshes it, and unregister removes it.
/// </summary>
public sealed class BackupRegistrationTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Register_lists_the_backup_server_in_cluster_show_and_unregister_removes_it_with_events()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        // A cluster that never had a backup server has no table for them: cluster show lists none, register creates it.
        Assert.False(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(1), "SELECT to_regclass('pgward.backup_servers') IS NOT NULL", Token));
        var before = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show");
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.DoesNotContain("Backup servers", before.Out, StringComparison.Ordinal);

        // Configured with the standby's conninfo: the row is written on the primary.
        var config = ReceiverRun.WriteConfig(Directory.Path, sandbox.Conninfo(2));
        var register = await PgwardCli.RunAsync(Token, "-f", config, "backup", "register");
        Assert.True(register.ExitCode == 0, register.ToString());
        Assert.Contains("backup server \"backup\" registered", register.Error, StringComparison.Ordinal);

        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "cluster", "show");
        Assert.True(show.ExitCode == 0, show.ToString());
        var section = show.Out[show.Out.IndexOf("Backup servers:", StringComparison.Ordinal)..];
        var row = section.Split('\n').Single(l => l.StartsWith(" backup ", StringComparison.Ordinal)).Split('|').Select(c => c.Trim());
        Assert.Equal(["backup", Environment.MachineName, "* running", "pgward_backup", "none", Path.Combine(Directory.Path, "backup")], row);
        var json = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show", "--json");
        Assert.Contains("\"backup_servers\": [", json.Out, StringComparison.Ordinal);
        var csv = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show", "--csv");
        Assert.Equal(2, csv.Out.Trim().Split('\n').Length);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "SELECT count(*) FROM pgward.nodes", Token));

        // The same name from another directory is refused, nothing changed; --force replaces it.
        var other = Path.Combine(Directory.Path, "other.conf");
        await File.WriteAllTextAsync(other, (await File.ReadAllTextAsync(config, Token)).Replace("/backup'", "/backup2'", StringComparison.Ordinal), Token);
        var clash = await PgwardCli.RunAsync(Token, "-f", other, "backup", "register");
        Assert.Equal(1, clash.ExitCode);
        Assert.Contains("a backup server named \"backup\" is already registered", clash.Error, StringComparison.Ordinal);
        Assert.Contains("--force", clash.Error, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(Directory.Path, "backup"), await Sql.ScalarAsync<string>(sandbox.ConnectionString(1),
            "SELECT backup_directory FROM pgward.backup_servers", Token));
        Assert.Equal(0, (await PgwardCli.RunAsync(Token, "-f", other, "backup", "register", "--force")).ExitCode);
        Assert.Equal(Path.Combine(Directory.Path, "backup2"), await Sql.ScalarAsync<string>(sandbox.ConnectionString(1),
            "SELECT backup_directory FROM pgward.backup_servers", Token));
        Assert.Equal(0, (await PgwardCli.RunAsync(Token, "-f", config, "backup", "register", "--force")).ExitCode);

        // backup create shows the new backup at once; the daemon refreshes the row (last seen, newest backup).
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Token))
        {
            var daemon = PgwardCli.RunAsync(stop.Token, "-f", config, "daemon", "run");
            var create = await PgwardCli.RunAsync(Token, "-f", config, "backup", "create", "--wait");
            Assert.True(create.ExitCode == 0, create.ToString());
            await stop.CancelAsync();
            Assert.Equal(0, (await daemon).ExitCode);
        }
        var newest = await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), "SELECT last_backup_id FROM pgward.backup_servers", Token);
        Assert.Matches("^[0-9]{8}T[0-9]{6}$", newest);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "UPDATE pgward.backup_servers SET last_backup_id = NULL, last_seen = now() - interval '1 hour'", Token);
        var stale = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show", "--compact");
        Assert.Contains("? not seen for 60 min", stale.Out, StringComparison.Ordinal);
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Token))
        {
            var daemon = PgwardCli.RunAsync(stop.Token, "-f", config, "daemon", "run");
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(sandbox.ConnectionString(1),
                $"SELECT last_backup_id = '{newest}' AND last_seen > now() - interval '1 minute' FROM pgward.backup_servers", Token), Token);
            await stop.CancelAsync();
            Assert.Equal(0, (await daemon).ExitCode);
        }

        var unregister = await PgwardCli.RunAsync(Token, "-f", config, "backup", "unregister");
        Assert.True(unregister.ExitCode == 0, unregister.ToString());
        var again = await PgwardCli.RunAsync(Token, "-f", config, "backup", "unregister");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no backup server named \"backup\" is registered", again.Error, StringComparison.Ordinal);
        var after = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show");
        Assert.DoesNotContain("Backup servers", after.Out, StringComparison.Ordinal);

        var events = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "event", "--csv");
        Assert.Contains("backup_unregister", events.Out, StringComparison.Ordinal);
        Assert.Contains("backup_register", events.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_without_pgward_metadata_fails_naming_the_fix_and_writes_nothing()
    {
        var server = await StartServerAsync("plain");
        var config = ReceiverRun.WriteConfig(Directory.Path, server.Conninfo);
        var register = await PgwardCli.RunAsync(Token, "-f", config, "backup", "register");
        Assert.Equal(6, register.ExitCode);
        Assert.Contains("no pgward metadata", register.Error, StringComparison.Ordinal);
        Assert.Contains("pgward primary register", register.Error, StringComparison.Ordinal);
        Assert.False(await server.QueryScalarAsync<bool>("SELECT to_regclass('pgward.backup_servers') IS NOT NULL", Token));
    }
}
