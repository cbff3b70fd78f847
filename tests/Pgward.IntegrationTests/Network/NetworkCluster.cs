using System.Globalization;
using System.Net;
using Pgward.Cli.Sandbox;
using Pgward.Core.Config;
using Pgward.Core.Processes;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Pgward.Testing.Network;

namespace Pgward.IntegrationTests.Network;

/// <summary>
/// A cluster with automatic failover whose every node is its own host on a <see cref="TestNetwork"/>: node1..nodeN
/// on 10.77.0.1..N, the witness after them, the backup server when asked for, and a client host last. Each node's PostgreSQL, agent and pgward
/// commands run in the node's network namespace, built by pgward's own commands as <c>sandbox up</c> builds
/// them, so that a test can cut links between hosts. The test process reaches servers and agents as the client
/// host does, through <see cref="NamespaceForwarder"/>s.
/// </summary>
public sealed partial class NetworkCluster : AgentCluster
{
    public const string ClientHost = "client";
    private const int PostgresPort = 5432;
    private const int AgentPort = 8008;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly string directory;

    /// <summary>Where the nodes' directories and the agents' logs are.</summary>
    public string Directory => directory;
    private readonly Dictionary<int, NamespaceForwarder> servers = [];
    private readonly Dictionary<int, NamespaceForwarder> agents = [];

    private NetworkCluster(string directory, TestNetwork network, int nodes, bool witness)
        : base(new AgentProcesses(directory), nodes, witness,
            (TestAuthentication.Current.CaFile, Path.Combine(directory, "node1", "server.crt"), Path.Combine(directory, "node1", "server.key")))
    {
        this.directory = directory;
        Network = network;
    }

    public TestNetwork Network { get; }

    /// <summary>The backup server, when the cluster was started with one; null otherwise.</summary>
    public BackupHost? Backup { get; private set; }

    /// <summary>The backup daemon's id among the agent processes (its log is <c>agent-ID.log</c>): after the witness.</summary>
    private int BackupDaemonId => Nodes + 2;

    /// <summary>Host name on the test network: <c>node1</c>..<c>nodeN</c>, then <c>witness</c>.</summary>
    public string HostName(int nodeId) => nodeId <= Nodes ? SandboxLayout.NodeName(nodeId) : SandboxLayout.WitnessName;

    public override TestHost Host(int nodeId) => Network[HostName(nodeId)];

    public override string Config(int nodeId) => Path.Combine(NodeDirectory(nodeId), "pgward.conf");

    public string DataDirectory(int nodeId) => Path.Combine(NodeDirectory(nodeId), "data");

    /// <summary>The agents speak TLS; the test reaches them through forwarders on 127.0.0.1, which their certificates
    /// also name.</summary>
    public override string AgentUrl(int nodeId) => $"https://127.0.0.1:{agents[nodeId].Port}";

    /// <summary>The CA that issued every host's certificate: the test run's (<see cref="TestAuthentication"/>).</summary>
    public string CaFile => TestAuthentication.Current.CaFile;

    public override int Port(int nodeId) => servers[nodeId].Port;

    /// <summary>Node <paramref name="nodeId"/>'s server, reached from the client host.</summary>
    public string ConnectionString(int nodeId) =>
        $"Host=127.0.0.1;Port={Port(nodeId)};Username={SandboxUp.User};Database={SandboxUp.User};Pooling=false;Timeout=5;{Security}";

    /// <summary>scram-sha-256 with the test run's password file, TLS verified against its CA.</summary>
    private static string Security => TestAuthentication.Current.NpgsqlSecurity;

    /// <summary>How an application on the client host reaches the primary: every data node, read-write only, with a
    /// 2 s statement timeout so that a write stuck on an unreachable server ends as "unknown" instead of hanging.</summary>
    public string ClientConnectionString =>
        "Host=" + string.Join(',', Enumerable.Range(1, Nodes).Select(id => $"127.0.0.1:{Port(id)}"))
        + $";Username={SandboxUp.User};Database={SandboxUp.User};Target Session Attributes=read-write;Host Recheck Seconds=0;Timeout=2;Pooling=false;Command Timeout=2;{Security}";

    private string NodeDirectory(int nodeId) => Path.Combine(directory, HostName(nodeId));

    /// <param name="settings">Extra pgward.conf lines for every node, e.g. <c>replication_mode = sync</c>.</param>
    public static Task<NetworkCluster> StartAsync(TestDirectory testDirectory, int nodes, bool witness, CancellationToken ct, params string[] settings) =>
        StartAsync(testDirectory, "", new Dictionary<string, string>(), nodes, witness, backup: null, ct, settings);

    /// <param name="subdirectory">Where in the test directory the nodes live, for several clusters in one test.</param>
    /// <param name="agentEnvironment">Environment variables of every agent, e.g. <c>PGWARD_UNSAFE</c>.</param>
    /// <param name="backup">Null, or the <c>backup_method</c> (<see cref="BackupMethods"/>) of a backup server to add on a
    /// host of its own (<see cref="BackupHost"/>), streaming WAL and holding a first base backup before the cluster is
    /// handed over.</param>
    public static async Task<NetworkCluster> StartAsync(TestDirectory testDirectory, string subdirectory, IReadOnlyDictionary<string, string> agentEnvironment,
        int nodes, bool witness, string? backup, CancellationToken ct, params string[] settings)
    {
        var names = Enumerable.Range(1, nodes).Select(SandboxLayout.NodeName).Concat(witness ? [SandboxLayout.WitnessName] : [])
            .Concat(backup is not null ? [BackupHost.HostName] : []).Append(ClientHost).ToList();
        var network = await TestNetwork.CreateAsync(names, ct);
        var cluster = new NetworkCluster(Path.Combine(testDirectory.Path, subdirectory), network, nodes, witness);
        foreach (var (name, value) in agentEnvironment)
        {
            cluster.Agents.Environment[name] = value;
        }
        try
        {
            foreach (var id in cluster.AgentIds)
            {
                var address = cluster.Host(id).Address;
                cluster.servers[id] = new NamespaceForwarder(network[ClientHost].Namespace, new IPEndPoint(address, PostgresPort));
                cluster.agents[id] = new NamespaceForwarder(network[ClientHost].Namespace, new IPEndPoint(address, AgentPort));
                await testDirectory.CreateSubdirectoryAsync(Path.Combine(subdirectory, cluster.HostName(id)), ct);
                cluster.IssueCertificate(id);
                await cluster.WriteConfigAsync(id, ct);
            }
            await cluster.BuildAsync(ct);
            await cluster.StartAgentsAsync(settings, cluster.ConnectionString(1), ct);
            if (backup is not null)
            {
                if (backup == BackupMethods.Files)
                {
                    await BackupBallast.CreateAsync(cluster.ConnectionString(1), ct);
                }
                cluster.Backup = await BackupHost.StartAsync(network[BackupHost.HostName], Path.Combine(cluster.directory, BackupHost.HostName),
                    cluster.Agents, cluster.BackupDaemonId, cluster.NodeConninfo(1), backup, cluster.CaFile, ct);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task BuildAsync(CancellationToken ct)
    {
        await InitServerAsync(1, ct);
        await PgwardAsync(1, ct, "primary", "register");
        var primary = Host(1).Address.ToString();
        for (var id = 2; id <= Nodes; id++)
        {
            ServerRegistry.Track(DataDirectory(id));
            await PgwardAsync(id, ct, "standby", "clone", "-h", primary, "-p", Invariant(PostgresPort), "-U", SandboxUp.User, "-d", SandboxUp.User, "--fast-checkpoint");
            await WriteNodeSettingsAsync(id, ct);
            await PgwardAsync(id, ct, "node", "service", "--action=start");
            await PgwardAsync(id, ct, "standby", "register");
        }
        if (HasWitness)
        {
            await InitServerAsync(Nodes + 1, ct);
            await PgwardAsync(Nodes + 1, ct, "witness", "register", "-h", primary, "-p", Invariant(PostgresPort), "-U", SandboxUp.User, "-d", SandboxUp.User);
        }
    }

    /// <summary>initdb, settings that let the other hosts in, start on the node's host, and the pgward database.</summary>
    private async Task InitServerAsync(int nodeId, CancellationToken ct)
    {
        var env = PgTestEnvironment.Require();
        ServerRegistry.Track(DataDirectory(nodeId));
        var initdb = await env.PgCtl.InitdbAsync(DataDirectory(nodeId), SandboxUp.User,
            ["--auth=scram-sha-256", $"--pwfile={TestAuthentication.Current.InitdbPasswordFile}", "--data-checksums", "--encoding=UTF8", "--locale=C"], ct);
        if (!initdb.Succeeded)
        {
            throw new InvalidOperationException(initdb.Describe());
        }
        await File.AppendAllLinesAsync(Path.Combine(DataDirectory(nodeId), "postgresql.conf"),
        [
            "", "# pgward network test", "max_connections = 50", "wal_level = replica", "max_wal_senders = 10", "max_replication_slots = 10",
            "hot_standby = on", "wal_log_hints = on", "ssl = on", "shared_buffers = 32MB", "wal_retrieve_retry_interval = 1s", "wal_keep_size = 128MB",
            $"include_if_exists = '{SandboxLayout.NodeSettingsFile}'",
        ], ct);
        await File.WriteAllLinesAsync(Path.Combine(DataDirectory(nodeId), "pg_hba.conf"), TestAuthentication.HbaLines("10.77.0.0/24"), ct);
        await WriteNodeSettingsAsync(nodeId, ct);
        await PgwardAsync(nodeId, ct, "node", "service", "--action=start");
        await Sql.ExecuteAsync($"Host=127.0.0.1;Port={Port(nodeId)};Username={SandboxUp.User};Database=postgres;Pooling=false;Timeout=5;{Security}",
            $"CREATE DATABASE {SandboxUp.User}", ct);
    }

    /// <summary>The settings that differ between hosts; a clone copies the primary's file, so each node writes its own.
    /// Unix sockets are not per network namespace: each node keeps its own in its directory.</summary>
    private async Task WriteNodeSettingsAsync(int nodeId, CancellationToken ct)
    {
        var file = Path.Combine(DataDirectory(nodeId), SandboxLayout.NodeSettingsFile);
        await File.WriteAllLinesAsync(file,
        [
            $"listen_addresses = '{Host(nodeId).Address}'",
            $"port = {Invariant(PostgresPort)}",
            $"unix_socket_directories = '{NodeDirectory(nodeId)}'",
            $"cluster_name = '{HostName(nodeId)}'",
            $"ssl_cert_file = '{CertificateFile(nodeId)}'",
            $"ssl_key_file = '{KeyFile(nodeId)}'",
        ], ct);
        await PgTestEnvironment.Require().Account.ChownAsync(file, ct);
    }

    /// <summary>How the other hosts reach node <paramref name="nodeId"/>'s server (its <c>conninfo</c>): scram-sha-256
    /// with the test run's password file, TLS verified against its CA and the node's address.</summary>
    public string NodeConninfo(int nodeId) =>
        $"host={Host(nodeId).Address} port={Invariant(PostgresPort)} user={SandboxUp.User} dbname={SandboxUp.User} connect_timeout=2 "
        + TestAuthentication.Current.ConninfoSecurity;

    // The base class's client presents node 1's certificate: keep these paths in step with its constructor call.
    private string CertificateFile(int nodeId) => Path.Combine(NodeDirectory(nodeId), "server.crt");

    private string KeyFile(int nodeId) => Path.Combine(NodeDirectory(nodeId), "server.key");

    /// <summary>The node's certificate, which its server and its agent present, names its address on the LAN and
    /// 127.0.0.1, where the client host's forwarders (<see cref="NamespaceForwarder"/>) let the test reach them.</summary>
    private void IssueCertificate(int nodeId) =>
        TestAuthentication.Current.IssueServerCertificate([Host(nodeId).Address.ToString(), "127.0.0.1"], CertificateFile(nodeId), KeyFile(nodeId),
            ownerLike: NodeDirectory(nodeId));

    private async Task WriteConfigAsync(int nodeId, CancellationToken ct)
    {
        var address = Host(nodeId).Address.ToString();
        var text = ConfigWriter.Format(new Dictionary<string, string>
        {
            ["node_id"] = Invariant(nodeId),
            ["node_name"] = HostName(nodeId),
            ["conninfo"] = NodeConninfo(nodeId),
            ["data_directory"] = DataDirectory(nodeId),
            ["location"] = "default",
            ["priority"] = "100",
            ["use_replication_slots"] = "true",
            ["pg_bindir"] = PgTestEnvironment.Require().Binaries.BinDirectory,
            ["log_level"] = "NOTICE",
            ["agent_address"] = address,
            ["agent_port"] = Invariant(AgentPort),
            ["agent_tls_cert_file"] = CertificateFile(nodeId),
            ["agent_tls_key_file"] = KeyFile(nodeId),
            ["agent_tls_ca_file"] = CaFile,
            ["failover"] = "automatic",
            ["auto_rejoin"] = "true",
        });
        await File.WriteAllTextAsync(Config(nodeId), "# pgward.conf of a network test node\n" + text, ct);
    }

    /// <summary>Runs <c>pgward -f CONF ARGS</c> on node <paramref name="nodeId"/>'s host and throws when it fails.</summary>
    public async Task<CliRun> PgwardAsync(int nodeId, CancellationToken ct, params string[] args)
    {
        var run = await TryPgwardAsync(nodeId, ct, args);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgward {string.Join(' ', args)} on {HostName(nodeId)}: {run}");
        }
        return run;
    }

    /// <summary>Runs <c>pgward -f CONF ARGS</c> as its own process on node <paramref name="nodeId"/>'s host.</summary>
    public async Task<CliRun> TryPgwardAsync(int nodeId, CancellationToken ct, params string[] args)
    {
        var command = Host(nodeId).Wrap([.. TestPgward.Command, "-f", Config(nodeId), .. args]);
        var result = await new ProcessRunner().RunAsync(new ProcessRequest("ip", command) { Timeout = CommandTimeout }, ct);
        return new CliRun(result.TimedOut ? -1 : result.ExitCode, result.StandardOutput, result.StandardError);
    }


    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    public override async ValueTask DisposeAsync()
    {
        // Agents (and the backup daemon) first: they would restart or promote servers. Then the servers, the backup
        // host's commands and disk, and the network they lived on.
        await base.DisposeAsync();
        foreach (var forwarder in servers.Values.Concat(agents.Values))
        {
            await forwarder.DisposeAsync();
        }
        foreach (var id in AgentIds)
        {
            await ServerRegistry.StopAsync(DataDirectory(id), Core.Postgres.ShutdownMode.Immediate, CancellationToken.None);
        }
        if (Backup is not null)
        {
            await Backup.DisposeAsync();
        }
        await Network.DisposeAsync();
    }
}
