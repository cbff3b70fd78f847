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

    public string Config(int nodeId) => Path.Combine(Directory, $"node{nodeId}", "pgward.conf");

    public string DataDirectory(int nodeId) => Path.Combine(Directory, $"node{nodeId}", "data");

    /// <summary>The sandbox gives node N's agent its PostgreSQL port plus 1000.</summary>
    public string AgentUrl(int nodeId) => $"http://127.0.0.1:{BasePort + nodeId - 1 + 1000}";

    /// <summary>All data nodes, the way an application reaches the primary whichever node it is.</summary>
    public string MultiHostConnectionString => "Host=" + string.Join(',', Enumerable.Range(0, Nodes).Select(i => $"127.0.0.1:{BasePort + i}"))
        + ";Username=pgward;Database=pgward;Target Session Attributes=read-write;Host Recheck Seconds=0;Timeout=2;Pooling=false";

    public string WitnessConfig => Path.Combine(Directory, "witness", "pgward.conf");

    public string WitnessDataDirectory => Path.Combine(Directory, "witness", "data");

    /// <summary>The witness listens right after the last data node.</summary>
    public string WitnessConnectionString =>
        $"Host=127.0.0.1;Port={BasePort + Nodes};Username=pgward;Database=pgward;Pooling=false;Timeout=5";

    public string ConnectionString(int nodeId) =>
        $"Host=127.0.0.1;Port={BasePort + nodeId - 1};Username=pgward;Database=pgward;Pooling=false;Timeout=5";

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
            if (Enumerable.Range(candidate, servers).Concat(Enumerable.Range(candidate + AgentPortOffset, servers)).All(IsFree))
            {
                return candidate;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public static async Task<Sandbox> UpAsync(TestDirectory testDirectory, int nodes, CancellationToken ct, bool witness = false)
    {
        var directory = Path.Combine(testDirectory.Path, "sandbox");
        for (var attempt = 1; ; attempt++)
        {
            var basePort = BasePortCandidate(nodes + 1);
            var run = await PgwardCli.RunAsync(ct, "sandbox", "up", "--dir", directory, "--nodes", $"{nodes}", "--port", $"{basePort}",
                "--witness", witness ? "true" : "false", "--agents", "false");
            var sandbox = new Sandbox(directory, basePort, nodes);
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
        }
    }
}
