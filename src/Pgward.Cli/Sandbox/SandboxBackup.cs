using Pgward.Cli.Commands;
using Pgward.Core;
using Pgward.Core.IO;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Sandbox;

/// <summary>
/// The sandbox's backup server, in <c>DIR/backup</c>: a pgward.conf with only a <c>[backup]</c> section, its daemon
/// streaming WAL through a slot, registered in the cluster metadata (cluster show lists it), and a first base backup, so that <c>backup list</c> and <c>backup recover</c> can
/// be tried at once.
/// </summary>
public sealed class SandboxBackup(CommandRunner runner, SandboxLayout layout, IReporter reporter)
{
    public string Directory => Path.Combine(layout.Directory, "backup");

    public string ConfigFile => Path.Combine(Directory, "pgward.conf");

    // A PID file alone is not enough: a crashed daemon leaves one behind.
    private bool DaemonRuns =>
        new Daemon.DaemonFiles(Path.Combine(Directory, "pgward-daemon.pid"), "").ReadPid() is { } pid && PostmasterPid.ProcessAlive(pid);

    /// <summary>Sets up and starts the backup server of a freshly built sandbox whose node 1 is the primary.</summary>
    public async Task<int?> SetUpAsync(string clusterConninfo, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        // The conninfo can hold a password: 0600. Its owner is the servers' OS user (that of node 1's directory): a
        // restore_command (backup wal-restore) reads it as that user.
        DurableFile.WriteAllText(ConfigFile, $"""
            # pgward.conf of the sandbox's backup server (pgward sandbox up): it is not a node of the cluster
            [backup]
            name = 'backup'
            backup_directory = '{Path.Combine(Directory, "archive")}'
            conninfo = '{clusterConninfo}'
            slot_name = 'pgward_backup'
            retention_policy = 'REDUNDANCY 2'
            minimum_redundancy = 1

            """, DurableFile.OwnerOnly, ownerLike: layout.NodeDirectory(SandboxLayout.NodeName(1)));
        reporter.Notice("starting the backup server: WAL streaming through slot pgward_backup, then a first base backup");
        foreach (var step in new[] { new[] { "backup", "receive-wal", "--create-slot" }, ["backup", "register"], ["daemon", "start"], ["backup", "create", "--wait"] })
        {
            var code = await PgwardApp.RunAsync(["-f", ConfigFile, "-q", .. step], runner.Environment, ct);
            if (code != ExitCodes.Success)
            {
                reporter.Error($"the sandbox's backup server failed at \"pgward {string.Join(' ', step)}\"");
                return code;
            }
        }
        return null;
    }

    /// <summary>Starts the backup server's daemon again (sandbox up on a stopped sandbox); nothing when there is none.</summary>
    public async Task<int?> ResumeAsync(CancellationToken ct)
    {
        if (!File.Exists(ConfigFile) || DaemonRuns)
        {
            return null;
        }
        var code = await PgwardApp.RunAsync(["-f", ConfigFile, "-q", "daemon", "start"], runner.Environment, ct);
        return code == ExitCodes.Success ? null : code;
    }

    /// <summary>Stops the backup server's daemon, if it runs.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (DaemonRuns)
        {
            var code = await PgwardApp.RunAsync(["-f", ConfigFile, "-q", "daemon", "stop"], runner.Environment, ct);
            reporter.Notice($"backup server: daemon {(code == ExitCodes.Success ? "stopped" : "did not stop")}");
        }
    }
}
