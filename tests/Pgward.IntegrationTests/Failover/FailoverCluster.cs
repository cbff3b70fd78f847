using Pgward.Cluster.Agents;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>
/// A sandbox with automatic failover on (failover = automatic, auto_rejoin = true) and each node's agent, the
/// witness's included, running as its own OS process, ready when every agent takes part and node 1 leads.
/// </summary>
public sealed class FailoverCluster : IAsyncDisposable
{
    private FailoverCluster(Sandbox sandbox, bool witness)
    {
        Sandbox = sandbox;
        HasWitness = witness;
        Agents = new AgentProcesses(sandbox);
    }

    public Sandbox Sandbox { get; }
    public bool HasWitness { get; }
    public AgentProcesses Agents { get; }
    public AgentClient Client { get; } = new(SandboxAgents.Token, TimeProvider.System);

    /// <summary>Node ids of every agent: the data nodes, then the witness.</summary>
    public IEnumerable<int> AgentIds => Enumerable.Range(1, Sandbox.Nodes + (HasWitness ? 1 : 0));

    public int Port(int nodeId) => Sandbox.BasePort + nodeId - 1;

    /// <summary>How the test's client reaches the primary: every data node, read-write only, and a 2 s statement
    /// timeout, so that a write stuck on a frozen server ends as "unknown" instead of hanging.</summary>
    public string ClientConnectionString => Sandbox.MultiHostConnectionString + ";Command Timeout=2";

    /// <summary>SIGSTOP (or SIGCONT) of node <paramref name="nodeId"/>'s PostgreSQL processes and agent: a frozen host.</summary>
    public void Freeze(int nodeId, bool frozen) =>
        AgentProcesses.Signal([.. Sandbox.PostgresPids(nodeId), Agents.Pid(nodeId)], frozen ? "STOP" : "CONT");

    /// <summary>Every agent's failover term.</summary>
    public async Task<long?[]> TermsAsync(CancellationToken ct) =>
        [.. (await Task.WhenAll(AgentIds.Select(id => ReportAsync(id, ct)))).Select(r => r?.FailoverTerm)];

    public string Config(int nodeId) => nodeId == Sandbox.Nodes + 1 ? Sandbox.WitnessConfig : Sandbox.Config(nodeId);

    /// <param name="settings">Extra pgward.conf lines for every node, e.g. <c>replication_mode = sync</c>.</param>
    public static async Task<FailoverCluster> StartAsync(TestDirectory directory, int nodes, bool witness, CancellationToken ct, params string[] settings)
    {
        var sandbox = await Sandbox.UpAsync(directory, nodes, ct, witness, failover: true);
        var cluster = new FailoverCluster(sandbox, witness);
        try
        {
            await cluster.StartAgentsAsync(nodes, settings, ct);
            return cluster;
        }
        catch
        {
            // The caller never gets the cluster to dispose: stop the agents started so far here.
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartAgentsAsync(int nodes, string[] settings, CancellationToken ct)
    {
        var cluster = this;
        var sandbox = Sandbox;
        foreach (var id in cluster.AgentIds)
        {
            await File.AppendAllLinesAsync(cluster.Config(id), [$"agent_token = {SandboxAgents.Token}", .. settings], ct);
        }
        // The primary's agent last, once the others answer: it must hear from a majority within fence_timeout.
        foreach (var id in cluster.AgentIds.OrderByDescending(id => id == 1 ? 0 : id))
        {
            cluster.Agents.Start(id, cluster.Config(id));
            await cluster.WaitAsync(async () => await cluster.ReportAsync(id, ct) is not null, TimeSpan.FromSeconds(30), $"agent {id} answering", ct);
        }
        await cluster.WaitAsync(async () =>
        {
            var reports = await Task.WhenAll(cluster.AgentIds.Select(id => cluster.ReportAsync(id, ct)));
            return reports.All(r => r?.FailoverTerm is not null) && reports[0] is { Role: "primary", FailoverState: "primary" };
        }, TimeSpan.FromSeconds(60), "every agent in the failover protocol and node 1 leading", ct);
        if (settings.Contains("replication_mode = sync"))
        {
            // Commits acknowledged before the leader set synchronous_standby_names were not protected by sync mode.
            var wanted = "ANY 1 (" + string.Join(", ", Enumerable.Range(2, nodes - 1).Select(id => $"\"node{id}\"")) + ")";
            await cluster.WaitAsync(async () => await Sql.ScalarAsync<string>(sandbox.ConnectionString(1),
                "SHOW synchronous_standby_names", ct) == wanted, TimeSpan.FromSeconds(10), "synchronous_standby_names", ct);
        }
    }

    public async Task<NodeReport?> ReportAsync(int nodeId, CancellationToken ct)
    {
        var reply = await Client.GetNodeAsync(Sandbox.AgentUrl(nodeId), ct, TimeSpan.FromSeconds(1));
        return reply.Succeeded ? reply.Body : null;
    }

    /// <summary>The data node (other than <paramref name="except"/>) that runs a writable primary its agent leads.</summary>
    public async Task<int> WaitForPrimaryAsync(int except, TimeSpan limit, CancellationToken ct)
    {
        var found = 0;
        await WaitAsync(async () =>
        {
            foreach (var id in Enumerable.Range(1, Sandbox.Nodes).Where(id => id != except))
            {
                if (await ReportAsync(id, ct) is { Role: "primary", FailoverState: "primary" })
                {
                    found = id;
                    return true;
                }
            }
            return false;
        }, limit, $"a new primary other than node {except}", ct);
        return found;
    }

    /// <summary>Waits until node <paramref name="nodeId"/> is a standby streaming on the given primary's timeline.</summary>
    public Task WaitForStandbyAsync(int nodeId, int primaryId, TimeSpan limit, CancellationToken ct) =>
        WaitAsync(async () =>
        {
            var primary = await ReportAsync(primaryId, ct);
            var standby = await ReportAsync(nodeId, ct);
            return standby is { Role: "standby", WalReceiver: "streaming" } && primary is not null && standby.Timeline == primary.Timeline;
        }, limit, $"node {nodeId} streaming from node {primaryId}", ct);

    public async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit, string what, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        try
        {
            while (!await condition())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Assert.Fail($"waited {limit.TotalSeconds:0} s for {what}\n{Agents.Logs()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Agents.DisposeAsync();
        Client.Dispose();
    }
}
