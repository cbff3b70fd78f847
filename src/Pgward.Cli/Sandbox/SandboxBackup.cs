using System.Globalization;
using Pgward.Cli.Commands;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.IO;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;
using Pgward.Core.Tls;

namespace Pgward.Cli.Sandbox;

/// <summary>
/// The sandbox's backup server, in <c>DIR/backup</c>: a pgward.conf with a <c>[backup]</c> section and the settings of
/// its HTTPS endpoint (node 1's agent port + <see cref="EndpointPortOffset"/>, the sandbox's token, a certificate of
/// the sandbox's CA in <c>DIR/backup/tls/</c>), its daemon streaming WAL through a slot, registered in the cluster
/// metadata (cluster show lists it), and a first base backup, so that <c>backup list</c> and <c>backup recover</c> can
/// be tried at once.
/// </summary>
public sealed class SandboxBackup(CommandRunner runner, SandboxLayout layout, IReporter reporter)
{
    private const string BackupName = "backup";

    public string Directory => layout.NodeDirectory(BackupName);

    public string ConfigFile => Path.Combine(Directory, "pgward.conf");

    /// <summary>The endpoint listens on node 1's agent port plus this: 50 (e.g. 7482 for a sandbox on 6432).</summary>
    public const int EndpointPortOffset = 50;

    // A PID file alone is not enough: a crashed daemon leaves one behind.
    private bool DaemonRuns =>
        new Daemon.DaemonFiles(Path.Combine(Directory, "pgward-daemon.pid"), "").ReadPid() is { } pid && PostmasterPid.ProcessAlive(pid);

    /// <summary>Sets up and starts the backup server of a freshly built sandbox whose node 1 (<paramref name="node1"/>)
    /// is the primary.</summary>
    public async Task<int?> SetUpAsync(NodeOptions node1, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var endpoint = new Dictionary<string, string>
        {
            ["agent_port"] = (node1.AgentPort + EndpointPortOffset).ToString(CultureInfo.InvariantCulture),
            ["agent_token"] = node1.AgentToken,
        };
        if (AgentTlsRules.IsOn(node1))
        {
            var certificates = new SandboxCertificates(layout);
            certificates.IssueNode(BackupName, TimeProvider.System);
            endpoint["agent_tls"] = "on";
            endpoint["agent_tls_cert_file"] = certificates.CertificateFile(BackupName);
            endpoint["agent_tls_key_file"] = certificates.KeyFile(BackupName);
            endpoint["agent_tls_ca_file"] = certificates.CaFile;
        }
        // The conninfo can hold a password, and agent_token is a secret: 0600. Its owner is the servers' OS user (that
        // of node 1's directory): a restore_command (backup wal-restore) reads it as that user.
        DurableFile.WriteAllText(ConfigFile, $"""
            # pgward.conf of the sandbox's backup server (pgward sandbox up): it is not a node of the cluster
            # its HTTPS endpoint, where the nodes fetch WAL and backups
            {ConfigWriter.Format(endpoint).TrimEnd()}

            [backup]
            name = 'backup'
            backup_directory = '{Path.Combine(Directory, "archive")}'
            conninfo = '{node1.Conninfo}'
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
