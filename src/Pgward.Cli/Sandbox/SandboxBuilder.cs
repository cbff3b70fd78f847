using System.Globalization;
using Pgward.Cli.Commands;
using Pgward.Cluster.Clone;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Sandbox;

/// <summary>Builds a new sandbox node by node; each step reports what failed and returns an exit code.</summary>
public sealed class SandboxBuilder(CommandRunner runner, SandboxServers servers, ServerAccount account, SandboxLayout layout, IReporter reporter)
{
    /// <summary>Each node's agent listens on its PostgreSQL port plus this.</summary>
    public const int AgentPortOffset = 1000;

    // Unix socket paths are limited to 107 bytes by the kernel; a longer sandbox path uses TCP only.
    private const int MaxSocketDirectoryLength = 90;

    private static readonly string[] SharedSettings =
    [
        "listen_addresses = '127.0.0.1'",
        "wal_level = replica",
        "max_wal_senders = 10",
        "max_replication_slots = 10",
        "hot_standby = on",
        "wal_log_hints = on",
        "shared_buffers = 32MB",
        "max_connections = 50",
        $"include_if_exists = '{SandboxLayout.NodeSettingsFile}'",
    ];

    public async Task<int> BuildAsync(int nodeCount, int basePort, CancellationToken ct)
    {
        var code = await BuildPrimaryAsync(basePort, ct);
        for (var nodeId = 2; nodeId <= nodeCount && code == ExitCodes.Success; nodeId++)
        {
            code = await BuildStandbyAsync(nodeId, basePort, ct);
        }
        return code;
    }

    private async Task<int> BuildPrimaryAsync(int basePort, CancellationToken ct)
    {
        reporter.Notice($"initialising node1 (primary) on port {basePort}");
        await CreateNodeDirectoryAsync(1, ct);
        var initdb = await servers.PgCtl.InitdbAsync(layout.DataDirectory(1), SandboxUp.User,
            ["--auth=trust", "--data-checksums", "--encoding=UTF8", "--locale=C"], ct);
        if (!initdb.Succeeded)
        {
            return Failed(initdb.Describe());
        }
        await File.AppendAllLinesAsync(Path.Combine(layout.DataDirectory(1), "postgresql.conf"),
            ["", "# pgward sandbox", .. SharedSettings], ct);
        await WriteNodeSettingsAsync(1, basePort, ct);
        if (await StartAsync(1, ct) is { } failure)
        {
            return failure;
        }
        await using (var db = new DbConnector())
        {
            await using var connection = await db.OpenAsync(Conninfo(basePort, "postgres"), ct);
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {SandboxUp.User}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        await WriteConfigAsync(1, basePort, ct);
        return await PgwardAsync(1, ["primary", "register"], ct);
    }

    private async Task<int> BuildStandbyAsync(int nodeId, int basePort, CancellationToken ct)
    {
        var port = basePort + nodeId - 1;
        reporter.Notice($"cloning node{nodeId} (standby) on port {port}");
        await CreateNodeDirectoryAsync(nodeId, ct);
        await WriteConfigAsync(nodeId, port, ct);
        var cloned = await PgwardAsync(nodeId, ["standby", "clone", "-h", "127.0.0.1", "-p", Invariant(basePort),
            "-U", SandboxUp.User, "-d", SandboxUp.User, "--fast-checkpoint"], ct);
        if (cloned != ExitCodes.Success)
        {
            return cloned;
        }
        await WriteNodeSettingsAsync(nodeId, port, ct);
        if (await StartAsync(nodeId, ct) is { } failure)
        {
            return failure;
        }
        return await PgwardAsync(nodeId, ["standby", "register"], ct);
    }

    private async Task CreateNodeDirectoryAsync(int nodeId, CancellationToken ct)
    {
        if (await account.CreateOwnedDirectoryAsync(layout.NodeDirectory(nodeId), ct) is { Succeeded: false } chown)
        {
            throw new IOException(chown.Describe());
        }
    }

    /// <summary>The settings that differ between nodes; a clone copies the primary's file, so each node writes its own.</summary>
    private async Task WriteNodeSettingsAsync(int nodeId, int port, CancellationToken ct)
    {
        var nodeDirectory = layout.NodeDirectory(nodeId);
        var socketDirectory = nodeDirectory.Length <= MaxSocketDirectoryLength ? nodeDirectory : "";
        var file = Path.Combine(layout.DataDirectory(nodeId), SandboxLayout.NodeSettingsFile);
        await File.WriteAllLinesAsync(file,
        [
            "# settings of this node only (pgward sandbox)",
            $"port = {Invariant(port)}",
            $"unix_socket_directories = {StandbyConfiguration.Quote(socketDirectory)}",
            $"cluster_name = 'node{Invariant(nodeId)}'",
        ], ct);
        await account.ChownAsync(file, ct);
    }

    private async Task WriteConfigAsync(int nodeId, int port, CancellationToken ct)
    {
        var binaries = PgBinaries.Locate(null).Binaries!;
        var text = ConfigWriter.Format(new Dictionary<string, string>
        {
            ["node_id"] = Invariant(nodeId),
            ["node_name"] = $"node{Invariant(nodeId)}",
            ["conninfo"] = Conninfo(port, SandboxUp.User),
            ["data_directory"] = layout.DataDirectory(nodeId),
            ["location"] = "default",
            ["priority"] = "100",
            ["use_replication_slots"] = "true",
            ["pg_bindir"] = binaries.BinDirectory,
            ["log_level"] = "NOTICE",
            ["agent_port"] = Invariant(port + AgentPortOffset),
        });
        await File.WriteAllTextAsync(layout.ConfigFile(nodeId), "# pgward.conf of a sandbox node (pgward sandbox up)\n" + text, ct);
    }

    private async Task<int?> StartAsync(int nodeId, CancellationToken ct)
    {
        var started = await servers.StartAsync(nodeId, ct);
        return started.Succeeded ? null : Failed(started.Describe() + $"\n(see {layout.LogFile(nodeId)})");
    }

    private Task<int> PgwardAsync(int nodeId, string[] args, CancellationToken ct) =>
        PgwardApp.RunAsync(["-f", layout.ConfigFile(nodeId), .. args], runner.Environment, ct);

    private int Failed(string message)
    {
        reporter.Error(message);
        return ExitCodes.LocalCommand;
    }

    private static string Conninfo(int port, string dbname) =>
        $"host=127.0.0.1 port={Invariant(port)} user={SandboxUp.User} dbname={dbname} connect_timeout=2";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
