using System.Text.Json;
using System.Text.RegularExpressions;
using Pgward.Core.Processes;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing.Chaos;
using Pgward.Testing.Network;

namespace Pgward.IntegrationTests.Network;

/// <summary>
/// The backup server of a <see cref="NetworkCluster"/>, on a host of its own as the witness is: a pgward.conf with only
/// a <c>[backup]</c> section, its backup directory on a small filesystem of its own (<see cref="ArchiveDisk"/>), the
/// slot created, registered in the cluster metadata, its daemon streaming WAL, and a first base backup, as
/// <c>sandbox up</c> sets one up. The daemon runs as root, as pgward's backup server does.
/// </summary>
public sealed partial class BackupHost : IAsyncDisposable
{
    public const string HostName = "backup";

    /// <summary>1.5 GiB: backup check wants 1 GiB free (MinimumFreeSpace), and a run's backups and WAL take a few
    /// hundred MB. tmpfs takes memory only for what is written, so filling it costs 1.5 GiB of RAM for a few seconds.</summary>
    private const long ArchiveSize = 3L << 29;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly AgentProcesses daemons;
    private readonly int daemonId;
    private readonly List<BackgroundCommand> commands = [];

    private BackupHost(TestHost host, string directory, AgentProcesses daemons, int daemonId, ArchiveDisk disk, string method)
    {
        Method = method;
        Host = host;
        Directory = directory;
        this.daemons = daemons;
        this.daemonId = daemonId;
        Disk = disk;
    }

    public TestHost Host { get; }

    /// <summary><c>backup_method</c>: <see cref="BackupMethods.Tar"/> or <see cref="BackupMethods.Files"/>.</summary>
    public string Method { get; }

    /// <summary>Where its pgward.conf, the mount point and the restored servers are.</summary>
    public string Directory { get; }

    public string Config => Path.Combine(Directory, "pgward.conf");

    /// <summary>The filesystem of <c>backup_directory</c>.</summary>
    public ArchiveDisk Disk { get; }

    /// <summary>The base backup taken when the host was set up, before any fault: recovering it replays the whole
    /// archive of the run.</summary>
    public string FirstBackupId { get; private set; } = "";

    public bool DaemonRunning => daemons.IsRunning(daemonId);

    /// <summary>What the daemon logged, across its restarts.</summary>
    public string DaemonLog => daemons.LogFile(daemonId);

    /// <param name="daemons">Where the daemon runs, beside the cluster's agents (its log is <c>agent-ID.log</c>).</param>
    /// <param name="conninfo">Any node of the cluster: the primary is found from the metadata there.</param>
    /// <param name="method">How it takes base backups: <see cref="BackupMethods.Tar"/> (pg_basebackup), or
    /// <see cref="BackupMethods.Files"/> through the source node's agent, every one after the first incremental
    /// (<c>reuse_backup = link</c>) and its changed table pages read by the WAL whenever it can (<c>wal_summaries =
    /// on</c>: the run's few segments of WAL would otherwise be found dearer than its small tables), with the agents'
    /// token and CA.</param>
    public static async Task<BackupHost> StartAsync(TestHost host, string directory, AgentProcesses daemons, int daemonId, string conninfo,
        string method, string caFile, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(directory);
        var disk = await ArchiveDisk.MountAsync(Path.Combine(directory, "archive"), ArchiveSize, ct);
        var backup = new BackupHost(host, directory, daemons, daemonId, disk, method);
        try
        {
            var files = method == BackupMethods.Files
                ? $"""
                    agent_token = '{SandboxAgents.Token}'
                    agent_tls_ca_file = '{caFile}'

                    """
                : "";
            await File.WriteAllTextAsync(backup.Config, $"""
                # pgward.conf of the network cluster's backup server: it is not a node of the cluster
                {files}[backup]
                name = '{HostName}'
                backup_directory = '{disk.Path}'
                conninfo = '{conninfo}'
                slot_name = 'pgward_backup'
                backup_method = '{method}'
                reuse_backup = '{(method == BackupMethods.Files ? "link" : "off")}'
                {(method == BackupMethods.Files ? "wal_summaries = 'on'" : "")}

                """, ct);
            await backup.RequireAsync(ct, "backup", "receive-wal", "--create-slot");
            await backup.RequireAsync(ct, "backup", "register");
            backup.StartDaemon();
            var first = await backup.RequireAsync(ct, "backup", "create", "--wait");
            backup.FirstBackupId = BackupIdIn(first.Out + first.Error) ?? throw new InvalidOperationException($"backup create printed no backup id: {first}");
            return backup;
        }
        catch
        {
            await backup.DisposeAsync();
            throw;
        }
    }

    public void StartDaemon()
    {
        if (!DaemonRunning)
        {
            daemons.Start(daemonId, Config, Host);
        }
    }

    /// <summary>kill -9 of the daemon and of every command still running here (a base backup and its pg_basebackup):
    /// the backup server died.</summary>
    public async Task KillAsync()
    {
        foreach (var command in commands.Where(c => !c.HasExited))
        {
            await command.KillAsync();
        }
        if (DaemonRunning)
        {
            await daemons.KillAsync(daemonId);
        }
    }

    /// <summary>Starts <c>pgward backup create --wait</c> here in the background; <see cref="KillAsync"/> kills it too.</summary>
    public BackgroundCommand StartBaseBackup()
    {
        var command = BackgroundCommand.Start(Host, Config, "backup", "create", "--wait");
        commands.Add(command);
        return command;
    }

    /// <summary>The id a <c>backup create</c> printed when it started copying, if it got that far.</summary>
    public static string? BackupIdIn(string output) => StartedRegex().Match(output) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Every backup in the catalog with its status (<c>backup list --json</c>).</summary>
    public async Task<IReadOnlyDictionary<string, string>> StatusesAsync(CancellationToken ct)
    {
        var list = await RequireAsync(ct, "backup", "list", "--json");
        using var json = JsonDocument.Parse(list.Out);
        return json.RootElement.EnumerateArray().ToDictionary(b => b.GetProperty("backup_id").GetString()!, b => b.GetProperty("status").GetString()!);
    }

    /// <summary>Bytes written so far for backup <paramref name="backupId"/>: pg_basebackup's tar files, or the files
    /// of a files backup, under its data directory.</summary>
    public long CopiedBytes(string backupId)
    {
        var data = Path.Combine(Disk.Path, "base", backupId, "data");
        return System.IO.Directory.Exists(data) ? System.IO.Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
    }

    /// <summary>Runs <c>pgward -f CONF ARGS</c> here (<see cref="TestPgward.Command"/>).</summary>
    public Task<CliRun> PgwardAsync(CancellationToken ct, params string[] args) =>
        RunAsync([.. TestPgward.Command, "-f", Config, .. args], ct);

    /// <summary>Runs the executable itself (<see cref="TestPgward.Executable"/>), as a user would: what <c>backup recover</c>
    /// writes into restore_command names it, and the restored server runs it as postgres.</summary>
    public Task<CliRun> PgwardExecutableAsync(CancellationToken ct, params string[] args) =>
        RunAsync([TestPgward.Executable, "-f", Config, .. args], ct);

    /// <summary>Runs <paramref name="command"/> on this host.</summary>
    public async Task<CliRun> RunAsync(IEnumerable<string> command, CancellationToken ct)
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest("ip", Host.Wrap(command)) { Timeout = CommandTimeout }, ct);
        return new CliRun(result.TimedOut ? -1 : result.ExitCode, result.StandardOutput, result.StandardError);
    }

    private async Task<CliRun> RequireAsync(CancellationToken ct, params string[] args)
    {
        var run = await PgwardAsync(ct, args);
        return run.ExitCode == 0 ? run : throw new InvalidOperationException($"pgward {string.Join(' ', args)} on the backup host: {run}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        foreach (var command in commands)
        {
            await command.DisposeAsync();
        }
        await Disk.DisposeAsync();
    }

    [GeneratedRegex(@"starting (?:incremental \(from [0-9T]+\) )?(?:files )?backup ([0-9]{8}T[0-9]{6})")]
    private static partial Regex StartedRegex();
}

/// <summary>The two ways <see cref="BackupHost"/> takes base backups: <c>backup_method</c>'s values.</summary>
public static class BackupMethods
{
    public const string Tar = "tar";

    public const string Files = "files";
}
