using Pgward.Backup;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// A backup server for one test: a pgward.conf with a <c>[backup]</c> section pointing at a node of the cluster, the
/// backup directory, and its WAL archive, fed from the primary's pg_wal instead of by a receiver. The commands read it
/// through the real archive code.
/// </summary>
public sealed record BackupServerFixture(
    string PrimaryConnectionString, string PrimaryDataDirectory, string ConfigFile, BackupLayout Layout, PgWalFeeder Feeder)
{

    /// <summary>Settings for a primary whose WAL the tests archive from pg_wal: segments kept long enough to be
    /// copied, and commit timestamps to know exactly what a time target must recover.</summary>
    public static PgServerSettings PrimarySettings => PgServerSettings.Default
        .WithGuc("wal_keep_size", "2GB")
        .WithGuc("track_commit_timestamp", "on");

    public static Task<BackupServerFixture> CreateAsync(TestDirectory directory, PgServer primary, CancellationToken ct,
        params (string Key, string Value)[] backupSettings) =>
        CreateAsync(directory, primary.Conninfo, primary.ConnectionString, primary.DataDirectory, ct, backupSettings);

    /// <param name="clusterConninfo">The [backup] conninfo: any node of the cluster.</param>
    /// <param name="primaryConnectionString">Where the test archive's WAL comes from.</param>
    public static async Task<BackupServerFixture> CreateAsync(TestDirectory directory, string clusterConninfo,
        string primaryConnectionString, string primaryDataDirectory, CancellationToken ct, params (string Key, string Value)[] backupSettings)
    {
        var root = Path.Combine(directory.Path, "backup-server");
        var layout = new BackupLayout(Path.Combine(root, "backups"));
        var config = Path.Combine(root, "pgward.conf");
        await NodeConfig.WriteAsync(config, 100, "backup", clusterConninfo, primaryDataDirectory, ct);
        var section = "\n[backup]\nbackup_directory = '" + layout.Root + "'\nconninfo = '" + clusterConninfo + "'\n"
            + string.Concat(backupSettings.Select(s => $"{s.Key} = '{s.Value}'\n"));
        await File.AppendAllTextAsync(config, section, ct);
        return new BackupServerFixture(primaryConnectionString, primaryDataDirectory, config, layout, new PgWalFeeder(layout));
    }

    public Task<CliRun> RunAsync(CancellationToken ct, params string[] args) => PgwardCli.RunAsync(ct, ["-f", ConfigFile, "backup", .. args]);

    /// <summary>What the receiver would have archived by now.</summary>
    public Task ArchiveWalAsync(CancellationToken ct) => Feeder.ArchiveFromPgWalAsync(PrimaryConnectionString, PrimaryDataDirectory, ct);

    /// <summary>
    /// Points the restored directory's restore_command at the CLI's apphost: a recover run in-process names the test
    /// host as the executable. The server then runs the real <c>pgward backup wal-restore</c> as its own OS user.
    /// </summary>
    public async Task UseApphostRestoreCommandAsync(string destination, CancellationToken ct)
    {
        var autoConf = Path.Combine(destination, "postgresql.auto.conf");
        var owned = $"-f {ConfigFile} backup wal-restore %f %p'";
        var lines = (await File.ReadAllLinesAsync(autoConf, ct)).Select(l =>
            l.StartsWith("restore_command = ", StringComparison.Ordinal) && l.EndsWith(owned, StringComparison.Ordinal)
                ? $"restore_command = '{PgwardProcess.Executable} {owned}"
                : l).ToList();
        if (!lines.Any(l => l.StartsWith($"restore_command = '{PgwardProcess.Executable} ", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"no restore_command calling backup wal-restore in {autoConf}");
        }
        await File.WriteAllLinesAsync(autoConf, lines, ct);
    }

    /// <summary>backup create, then the WAL it needs archived, so the backup becomes DONE; returns its id.</summary>
    public async Task<string> CreateDoneBackupAsync(CancellationToken ct, params string[] extra)
    {
        var create = await RunAsync(ct, ["create", .. extra]);
        if (create.ExitCode != 0)
        {
            throw new InvalidOperationException(create.ToString());
        }
        await ArchiveWalAsync(ct);
        var list = await RunAsync(ct, "list");
        var newest = list.Out.Split('\n')[0];
        if (!newest.Contains("WAL Size", StringComparison.Ordinal) || newest.Contains("WAITING", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the new backup is not DONE:\n{list}");
        }
        return newest.Split(' ')[0];
    }
}
