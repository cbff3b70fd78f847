using System.Globalization;
using Pgward.Cli.Commands;
using Pgward.Cluster.Clone;
using Pgward.Core;
using Pgward.Core.IO;
using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Sandbox;

/// <summary>
/// Builds a new sandbox node by node with pgward's own commands; each step reports what failed and returns an exit
/// code. Nodes 1..N are the primary and its standbys on ports P..P+N-1; the witness is node N+1 on port P+N.
/// </summary>
public sealed class SandboxBuilder(
    CommandRunner runner, SandboxServers servers, ServerAccount account, SandboxLayout layout, IReporter reporter, string agentToken,
    bool automaticFailover, bool tls = true)
{
    /// <summary>Each node's agent listens on its PostgreSQL port plus this.</summary>
    public const int AgentPortOffset = 1000;

    // Unix socket paths are limited to 107 bytes by the kernel; a longer sandbox path uses TCP only.
    private const int MaxSocketDirectoryLength = 90;

    private static readonly string[] ReplicationSettings =
    [
        "wal_level = replica",
        "max_wal_senders = 10",
        "max_replication_slots = 10",
        "hot_standby = on",
        "wal_log_hints = on",
        "shared_buffers = 32MB",
        // A standby whose upstream restarted (fenced and promoted again, say) retries after 1 s, not 5: in sync mode
        // the primary's commits wait for it.
        "wal_retrieve_retry_interval = 1s",
        // WAL a standby may still need from a new primary that holds no slot for it yet (a node re-cloned, then
        // promoted): without it the standby can only be re-cloned.
        "wal_keep_size = 128MB",
    ];

    /// <summary>The CA and each node's certificate (PostgreSQL's ssl and the agent's TLS both present it).</summary>
    public SandboxCertificates Certificates { get; } = new(layout);

    /// <summary>scram-sha-256 with the sandbox's password file, over TLS (<c>sslmode=verify-full</c>).</summary>
    public SandboxAuthentication Authentication => field ??= new(layout, Certificates, account, tls);

    public async Task<int> BuildAsync(int nodeCount, int basePort, bool witness, CancellationToken ct)
    {
        if (tls)
        {
            Certificates.EnsureAuthority(TimeProvider.System);
        }
        await Authentication.EnsurePasswordFileAsync(ct);
        var code = await BuildPrimaryAsync(basePort, ct);
        for (var nodeId = 2; nodeId <= nodeCount && code == ExitCodes.Success; nodeId++)
        {
            code = await BuildStandbyAsync(nodeId, basePort, ct);
        }
        if (witness && code == ExitCodes.Success)
        {
            code = await BuildWitnessAsync(nodeCount + 1, basePort + nodeCount, basePort, ct);
        }
        return code;
    }

    private async Task<int> BuildPrimaryAsync(int port, CancellationToken ct)
    {
        var name = SandboxLayout.NodeName(1);
        reporter.Notice($"initialising {name} (primary) on port {port}");
        await CreateNodeDirectoryAsync(name, ct);
        var node = WriteConfig(1, name, port);
        return await InitServerAsync(node, port, ReplicationSettings, ct)
            ?? await PgwardAsync(name, ["primary", "register"], ct);
    }

    private async Task<int> BuildStandbyAsync(int nodeId, int basePort, CancellationToken ct)
    {
        var name = SandboxLayout.NodeName(nodeId);
        var port = basePort + nodeId - 1;
        reporter.Notice($"cloning {name} (standby) on port {port}");
        await CreateNodeDirectoryAsync(name, ct);
        var node = WriteConfig(nodeId, name, port);
        var cloned = await PgwardAsync(name, ["standby", "clone", "-h", "127.0.0.1", "-p", Invariant(basePort),
            "-U", SandboxUp.User, "-d", SandboxUp.User, "--fast-checkpoint"], ct);
        if (cloned != ExitCodes.Success)
        {
            return cloned;
        }
        await WriteNodeSettingsAsync(node, port, ct);
        return await StartAsync(node, ct) ?? await PgwardAsync(name, ["standby", "register"], ct);
    }

    /// <summary>The witness: a small server of its own (initdb, not a clone) that holds a copy of the node records.</summary>
    private async Task<int> BuildWitnessAsync(int nodeId, int port, int primaryPort, CancellationToken ct)
    {
        const string name = SandboxLayout.WitnessName;
        reporter.Notice($"initialising the witness on port {port}");
        await CreateNodeDirectoryAsync(name, ct);
        var node = WriteConfig(nodeId, name, port);
        return await InitServerAsync(node, port, ["shared_buffers = 16MB"], ct)
            ?? await PgwardAsync(name, ["witness", "register", "-h", "127.0.0.1", "-p", Invariant(primaryPort),
                "-U", SandboxUp.User, "-d", SandboxUp.User], ct);
    }

    /// <summary>initdb, the sandbox's settings, start, and the <c>pgward</c> database; null when it all worked.</summary>
    private async Task<int?> InitServerAsync(NodeOptions node, int port, IReadOnlyList<string> settings, CancellationToken ct)
    {
        var initdb = await Authentication.WithInitdbPasswordAsync(layout.NodeDirectory(node.NodeName), pwfile =>
            servers.PgCtl.InitdbAsync(node.DataDirectory, SandboxUp.User,
                ["--auth=scram-sha-256", $"--pwfile={pwfile}", "--data-checksums", "--encoding=UTF8", "--locale=C"], ct));
        if (!initdb.Succeeded)
        {
            return Failed(initdb.Describe());
        }
        await File.AppendAllLinesAsync(Path.Combine(node.DataDirectory, "postgresql.conf"),
        [
            "", "# pgward sandbox", "listen_addresses = '127.0.0.1'", "max_connections = 50", tls ? "ssl = on" : "ssl = off", .. settings,
            $"include_if_exists = '{SandboxLayout.NodeSettingsFile}'",
        ], ct);
        var hba = Path.Combine(node.DataDirectory, "pg_hba.conf");
        await File.WriteAllLinesAsync(hba, Authentication.HbaLines, ct);
        await account.ChownAsync(hba, ct);
        await WriteNodeSettingsAsync(node, port, ct);
        if (await StartAsync(node, ct) is { } failure)
        {
            return failure;
        }
        await using var db = new DbConnector();
        await using var connection = await db.OpenAsync(Conninfo(port, "postgres"), ct);
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {SandboxUp.User}", connection);
        await create.ExecuteNonQueryAsync(ct);
        return null;
    }

    private async Task CreateNodeDirectoryAsync(string name, CancellationToken ct)
    {
        if (await account.CreateOwnedDirectoryAsync(layout.NodeDirectory(name), ct) is { Succeeded: false } chown)
        {
            throw new IOException(chown.Describe());
        }
        if (tls)
        {
            Certificates.IssueNode(name, TimeProvider.System);
        }
    }

    /// <summary>The settings that differ between nodes; a clone copies the primary's file, so each node writes its own.</summary>
    private async Task WriteNodeSettingsAsync(NodeOptions node, int port, CancellationToken ct)
    {
        var nodeDirectory = layout.NodeDirectory(node.NodeName);
        var socketDirectory = nodeDirectory.Length <= MaxSocketDirectoryLength ? nodeDirectory : "";
        var file = Path.Combine(node.DataDirectory, SandboxLayout.NodeSettingsFile);
        List<string> lines =
        [
            "# settings of this node only (pgward sandbox)",
            $"port = {Invariant(port)}",
            $"unix_socket_directories = {StandbyConfiguration.Quote(socketDirectory)}",
            $"cluster_name = {StandbyConfiguration.Quote(node.NodeName)}",
        ];
        if (tls)
        {
            // Each node presents its own certificate (a clone's copied postgresql.conf would name the primary's).
            lines.Add($"ssl_cert_file = {StandbyConfiguration.Quote(Certificates.CertificateFile(node.NodeName))}");
            lines.Add($"ssl_key_file = {StandbyConfiguration.Quote(Certificates.KeyFile(node.NodeName))}");
        }
        await File.WriteAllLinesAsync(file, lines, ct);
        await account.ChownAsync(file, ct);
    }

    private NodeOptions WriteConfig(int nodeId, string name, int port)
    {
        var binaries = PgBinaries.Locate(null).Binaries!;
        var settings = new Dictionary<string, string>
        {
            ["node_id"] = Invariant(nodeId),
            ["node_name"] = name,
            ["conninfo"] = Conninfo(port, SandboxUp.User),
            ["data_directory"] = layout.DataDirectory(name),
            ["location"] = "default",
            ["priority"] = "100",
            ["use_replication_slots"] = "true",
            ["pg_bindir"] = binaries.BinDirectory,
            ["log_level"] = "NOTICE",
            ["agent_port"] = Invariant(port + AgentPortOffset),
            ["agent_token"] = agentToken,
            ["failover"] = automaticFailover ? "automatic" : "manual",
            ["auto_rejoin"] = automaticFailover ? "true" : "false",
        };
        if (tls)
        {
            // The agents speak TLS with the sandbox's certificates, as on a network: every test runs the secure path.
            settings["agent_tls"] = "on";
            settings["agent_tls_cert_file"] = Certificates.CertificateFile(name);
            settings["agent_tls_key_file"] = Certificates.KeyFile(name);
            settings["agent_tls_ca_file"] = Certificates.CaFile;
        }
        var text = ConfigWriter.Format(settings);
        var path = layout.ConfigFile(name);
        // agent_token is a secret: 0600, owned like the node's directory (the server's user) when run as root.
        DurableFile.WriteAllText(path, "# pgward.conf of a sandbox node (pgward sandbox up)\n" + text, DurableFile.OwnerOnly,
            ownerLike: layout.NodeDirectory(name));
        return ConfigLoader.LoadFile(path).Options!;
    }

    private async Task<int?> StartAsync(NodeOptions node, CancellationToken ct)
    {
        var started = await servers.StartAsync(node, ct);
        return started.Succeeded ? null : Failed(started.Describe() + $"\n(see {SandboxLayout.LogFile(node)})");
    }

    private Task<int> PgwardAsync(string name, string[] args, CancellationToken ct) =>
        PgwardApp.RunAsync(["-f", layout.ConfigFile(name), .. args], runner.Environment, ct);

    private int Failed(string message)
    {
        reporter.Error(message);
        return ExitCodes.LocalCommand;
    }

    private string Conninfo(int port, string dbname) =>
        $"host=127.0.0.1 port={Invariant(port)} user={SandboxUp.User} dbname={dbname} connect_timeout=2 {Authentication.ConninfoSecurity}";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
