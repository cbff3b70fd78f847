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
    public static async Task<Sandbox> UpAsync(TestDirectory testDirectory, int nodes, CancellationToken ct, bool witness = false)
    {
        var directory = Path.Combine(testDirectory.Path, "sandbox");
        for (var attempt = 1; ; attempt++)
        {
            // Consecutive ports above an ephemeral one the kernel just gave out; sandbox up refuses busy ones.
            var basePort = FreePort.Next();
            if (basePort + nodes + 1 > 64000)
            {
                continue;
            }
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
