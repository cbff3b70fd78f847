using Pgward.Cli.Sandbox;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>A sandbox built by <c>pgward sandbox up</c> inside a test's directory; its servers are tracked for teardown.</summary>
public sealed class Sandbox
{
    private Sandbox(string directory, int basePort, int nodes)
    {
        Directory = directory;
        BasePort = basePort;
        Nodes = nodes;
    }

    public string Directory { get; }
    public int BasePort { get; }
    public int Nodes { get; }

    /// <summary>What <c>sandbox up</c> printed on standard output (the "Try:" lines).</summary>
    public string UpOutput { get; private set; } = "";

    public string Config(int nodeId) => Path.Combine(Directory, $"node{nodeId}", "pgward.conf");

    public string DataDirectory(int nodeId) => Path.Combine(Directory, $"node{nodeId}", "data");

    /// <summary>The sandbox gives node N's agent its PostgreSQL port plus 1000; its agents speak TLS.</summary>
    public string AgentUrl(int nodeId) => $"https://127.0.0.1:{BasePort + nodeId - 1 + 1000}";

    /// <summary>The sandbox's CA (<c>DIR/tls/ca.crt</c>), which issued every node's certificate.</summary>
    public string CaFile => Path.Combine(Directory, "tls", "ca.crt");

    /// <summary>Node <paramref name="nodeId"/>'s certificate and key (<c>DIR/nodeN/tls</c>), e.g. as a client certificate.</summary>
    public (string Certificate, string Key) NodeCertificate(int nodeId) =>
        (Path.Combine(Directory, $"node{nodeId}", "tls", "node.crt"), Path.Combine(Directory, $"node{nodeId}", "tls", "node.key"));

    /// <summary>A client of the sandbox's agents that sends <paramref name="token"/> and verifies them against its CA.</summary>
    public Pgward.Cluster.Agents.AgentClient Client(string token) => TestAgentClient.Create(token, CaFile);

    /// <summary>All data nodes, the way an application reaches the primary whichever node it is.</summary>
    public string MultiHostConnectionString => "Host=" + string.Join(',', Enumerable.Range(0, Nodes).Select(i => $"127.0.0.1:{BasePort + i}"))
        + ";Username=pgward;Database=pgward;Target Session Attributes=read-write;Host Recheck Seconds=0;Timeout=2;Pooling=false;" + NpgsqlSecurity;

    public string WitnessConfig => Path.Combine(Directory, "witness", "pgward.conf");

    public string WitnessDataDirectory => Path.Combine(Directory, "witness", "data");

    /// <summary>The witness listens right after the last data node.</summary>
    public string WitnessConnectionString =>
        $"Host=127.0.0.1;Port={BasePort + Nodes};Username=pgward;Database=pgward;Pooling=false;Timeout=5;{NpgsqlSecurity}";

    public string ConnectionString(int nodeId) => ConnectionString(BasePort + nodeId - 1, "pgward");

    /// <summary>Npgsql form for any server of the sandbox's (a restored copy too): scram with its password file, TLS
    /// verified against its CA.</summary>
    public string ConnectionString(int port, string database) =>
        $"Host=127.0.0.1;Port={port};Username=pgward;Database={database};Pooling=false;Timeout=5;{NpgsqlSecurity}";

    /// <summary>libpq form of node <paramref name="nodeId"/>'s connection, as the sandbox writes conninfo.</summary>
    public string Conninfo(int nodeId, int connectTimeout = 2) =>
        $"host=127.0.0.1 port={BasePort + nodeId - 1} user=pgward dbname=pgward connect_timeout={connectTimeout} {ConninfoSecurity}";

    /// <summary>The sandbox's password file (<c>DIR/pgpass</c>, 0600).</summary>
    public string PasswordFile => Path.Combine(Directory, "pgpass");

    public string ConninfoSecurity => $"sslmode=verify-full sslrootcert={CaFile} passfile={PasswordFile}";

    public string NpgsqlSecurity => $"SSL Mode=VerifyFull;Root Certificate={CaFile};Passfile={PasswordFile}";

    /// <summary>Runs <c>sandbox up</c>; the witness (node N+1, in <c>DIR/witness</c>) only when asked, to keep tests lean.</summary>
    // Below the kernel's ephemeral range (32768 and up), so that neither the servers (P..P+N) nor their agents
    // (P+1000..P+1000+N) collide with the client ports of other connections; sandbox up refuses busy server ports.
    private const int LowestBasePort = 20000;
    private const int HighestBasePort = 31000;
    private const int AgentPortOffset = 1000;

    private static int BasePortCandidate(int servers)
    {
        while (true)
        {
            var candidate = Random.Shared.Next(LowestBasePort, HighestBasePort);
            if (SandboxUp.BusyPorts(candidate, servers).Count == 0 && SandboxUp.BusyPorts(candidate + AgentPortOffset, servers).Count == 0)
            {
                return candidate;
            }
        }
    }

    /// <param name="failover">Automatic failover (with auto_rejoin) in every node's pgward.conf; off by default so that
    /// tests of manual operations see no automatic action.</param>
    /// <param name="backup">Also the backup server in DIR/backup, whose daemon runs the CLI's apphost: stop it with
    /// <c>sandbox down</c>.</param>
    public static async Task<Sandbox> UpAsync(TestDirectory testDirectory, int nodes, CancellationToken ct, bool witness = false, bool failover = false,
        bool backup = false)
    {
        var directory = Path.Combine(testDirectory.Path, "sandbox");
        for (var attempt = 1; ; attempt++)
        {
            var basePort = BasePortCandidate(nodes + 1);
            var run = await PgwardCli.RunAsync(Executable, ct, "sandbox", "up", "--dir", directory, "--nodes", $"{nodes}", "--port", $"{basePort}",
                "--witness", witness ? "true" : "false", "--agents", "false", "--failover", failover ? "automatic" : "manual",
                "--backup", backup ? "true" : "false");
            var sandbox = new Sandbox(directory, basePort, nodes) { UpOutput = run.Out };
            for (var id = 1; id <= nodes; id++)
            {
                ServerRegistry.Track(sandbox.DataDirectory(id));
            }
            ServerRegistry.Track(sandbox.WitnessDataDirectory);
            if (run.ExitCode == 0)
            {
                return sandbox;
            }
            Assert.True(attempt < 3 && run.Error.Contains("already in use", StringComparison.Ordinal), run.ToString());
            // Another process took a port between the choice and the bind. The half-made sandbox keeps the ports it was
            // made with, so `sandbox up` again would try the same: remove it and start over on new ones.
            var down = await PgwardCli.RunAsync(Executable, ct, "sandbox", "down", "--dir", directory, "--purge");
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }

    /// <summary>The executable for commands that start a daemon (<c>PGWARD_EXECUTABLE</c>): <see cref="TestPgward.Executable"/>.</summary>
    public static string? Executable(string name) =>
        name == Pgward.Cli.Commands.DaemonCommands.ExecutableVariable ? TestPgward.Executable : null;

    public string BackupConfig => Path.Combine(Directory, "backup", "pgward.conf");

    /// <summary>kill -9 on the postmaster only, then wait until it and the children it left are gone.</summary>
    public Task KillPostmasterAsync(int nodeId, CancellationToken ct) => Postmaster.KillAsync(DataDirectory(nodeId), ct);

    /// <summary>The postmaster of node <paramref name="nodeId"/> and its children, e.g. to freeze them all.</summary>
    public IReadOnlyList<int> PostgresPids(int nodeId) => Postmaster.Pids(DataDirectory(nodeId));

    /// <summary>Starts node <paramref name="nodeId"/>'s server as it is on disk (pg_ctl start as the postgres user).</summary>
    public async Task StartServerAsync(int nodeId, CancellationToken ct)
    {
        var run = await PgwardCli.RunAsync(ct, "-f", Config(nodeId), "node", "service", "--action=start");
        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
