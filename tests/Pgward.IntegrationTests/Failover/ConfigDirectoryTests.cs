using Pgward.Core.IO;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>
/// Nodes laid out as Debian's clusters are: postgresql.conf, pg_hba.conf and pg_ident.conf in a directory of their own
/// (<c>/etc/postgresql/15/main</c> there), which <c>config_directory</c> in pgward.conf names, and none of them in the
/// data directory. Every start and stop pgward makes gives pg_ctl that directory, as repmgr does; before, pgward read the
/// key and gave pg_ctl the data directory, where the server found no configuration and did not start. Each node's
/// <c>pg_ctl_options</c> (repmgr's key, read and ignored before) names a server log elsewhere, as Debian's is in
/// /var/log/postgresql, and a server option: every start pgward makes gives them to pg_ctl.
/// </summary>
public sealed class ConfigDirectoryTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    /// <summary>The sandbox's files, its node's own settings included (port, socket, certificate: an include of
    /// postgresql.conf's, read from beside it).</summary>
    private static readonly string[] ConfigurationFiles = ["postgresql.conf", "pg_hba.conf", "pg_ident.conf", "pgward-node.conf"];

    [Fact]
    public async Task Cluster_with_its_configuration_outside_the_data_directories_switches_over_fails_over_rejoins_and_fences()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, MoveConfigurationOutAsync, Token);

        // A switchover: its agent stops node 1 and starts it again as a standby of node 2.
        var switchover = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "standby", "switchover");
        Assert.True(switchover.ExitCode == 0, switchover.ToString());
        await cluster.WaitForStandbyAsync(1, 2, TimeSpan.FromSeconds(30), Token);
        await cluster.WaitForStandbyAsync(3, 2, TimeSpan.FromSeconds(30), Token);
        // Started by its agent with pg_ctl_options: the server option, and the log where it says.
        Assert.Equal("8MB", await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(1), "SHOW work_mem", Token));
        Assert.Contains("database system is ready to accept read-only connections", await ReadSharedAsync(StartupLog(cluster.Sandbox, 1)),
            StringComparison.Ordinal);

        // Host death of node 2, rejoined by hand as the README says: started read-only to finish its crash recovery, then
        // rewound (pg_rewind is given the configuration, --config-file). A checkpoint first, so that pg_rewind judges it
        // (ManualRejoinTests has the node that died before its first checkpoint on its new timeline).
        await Sql.ExecuteAsync(cluster.Sandbox.ConnectionString(2), "CHECKPOINT", Token);
        await cluster.Agents.KillAsync(2);
        await cluster.Sandbox.KillPostmasterAsync(2, Token);
        var primary = await cluster.WaitForPrimaryAsync(except: 2, TimeSpan.FromSeconds(20), Token);
        var rejoin = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "node", "rejoin", "-d", cluster.Sandbox.Conninfo(primary),
            "--force-rewind");
        Assert.True(rejoin.ExitCode == 0, rejoin.ToString());
        Assert.Contains("--config-file=", rejoin.Error, StringComparison.Ordinal);
        Assert.Contains("starting it read-only to finish its crash recovery", rejoin.Error, StringComparison.Ordinal);
        Assert.Contains($"log: \"{StartupLog(cluster.Sandbox, 2)}\"", rejoin.Error, StringComparison.Ordinal);
        cluster.Agents.Start(2, cluster.Config(2));
        await cluster.WaitForStandbyAsync(2, primary, TimeSpan.FromSeconds(60), Token);
        Assert.Equal("8MB", await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(2), "SHOW work_mem", Token));

        // The new primary loses both voters while paused: it fences itself, stopped and started again read-only.
        var pause = await PgwardCli.RunAsync(Token, "-f", cluster.Config(primary), "daemon", "pause");
        Assert.True(pause.ExitCode == 0, pause.ToString());
        foreach (var other in new[] { 1, 2, 3 }.Where(id => id != primary))
        {
            await cluster.Agents.KillAsync(other);
        }
        await cluster.WaitAsync(async () => (await cluster.ReportAsync(primary, Token)) is { Role: "standby" }, TimeSpan.FromSeconds(30),
            $"node {primary} fenced, read-only", Token);

        var log = await File.ReadAllTextAsync(cluster.Agents.LogFile(primary), Token);
        Assert.Contains("fenced", log, StringComparison.Ordinal);
        Assert.Equal("8MB", await Sql.ScalarAsync<string>(cluster.Sandbox.ConnectionString(primary), "SHOW work_mem", Token));
        foreach (var id in new[] { 1, 2, 3 })
        {
            Assert.All(ConfigurationFiles, name => Assert.False(File.Exists(Path.Combine(cluster.Sandbox.DataDirectory(id), name)),
                $"node {id}'s data directory has a {name} again"));
        }
    }

    [Fact]
    public async Task Config_directory_without_postgresql_conf_is_refused_before_pg_ctl_runs()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 1, Token);
        var empty = System.IO.Directory.CreateDirectory(Path.Combine(Directory.Path, "etc")).FullName;
        await NodeConfig.SetAsync(sandbox.Config(1), Token, $"config_directory = '{empty}'");

        var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "service", "--action=stop");

        Assert.NotEqual(0, stop.ExitCode);
        Assert.Contains($"config_directory \"{empty}\" holds no postgresql.conf", stop.Error, StringComparison.Ordinal);
        Assert.True(await Sql.IsWritableAsync(sandbox.ConnectionString(1), Token), "the server was stopped");
    }

    /// <summary>Where node <paramref name="id"/>'s pg_ctl_options sends the server log.</summary>
    private static string StartupLog(Sandbox sandbox, int id) => Path.Combine(Path.GetDirectoryName(sandbox.DataDirectory(id))!, "log", "startup.log");

    private async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(Token);
    }

    /// <summary>Each node in turn: stopped, its configuration files moved to DIR/nodeN/etc with the paths Debian's
    /// postgresql.conf has (<c>data_directory</c>, <c>hba_file</c>, <c>ident_file</c>), <c>pg_ctl_options</c> with a log
    /// directory of its own and <c>work_mem</c>, started by pgward again.</summary>
    private static async Task MoveConfigurationOutAsync(Sandbox sandbox, CancellationToken ct)
    {
        for (var id = 1; id <= sandbox.Nodes; id++)
        {
            var stop = await PgwardCli.RunAsync(ct, "-f", sandbox.Config(id), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            var data = sandbox.DataDirectory(id);
            var etc = Path.Combine(Path.GetDirectoryName(data)!, "etc");
            System.IO.Directory.CreateDirectory(etc);
            FileOwner.Match(etc, data);
            foreach (var name in ConfigurationFiles)
            {
                File.Move(Path.Combine(data, name), Path.Combine(etc, name));
            }
            await File.AppendAllTextAsync(Path.Combine(etc, "postgresql.conf"),
                $"data_directory = '{data}'\nhba_file = '{etc}/pg_hba.conf'\nident_file = '{etc}/pg_ident.conf'\n", ct);
            var log = Path.GetDirectoryName(StartupLog(sandbox, id))!;
            System.IO.Directory.CreateDirectory(log);
            FileOwner.Match(log, data);
            await NodeConfig.SetAsync(sandbox.Config(id), ct, $"config_directory = '{etc}'",
                $"pg_ctl_options = '-l {StartupLog(sandbox, id)} -o \"-c work_mem=8MB\"'");
            await sandbox.StartServerAsync(id, ct);
        }
    }
}
