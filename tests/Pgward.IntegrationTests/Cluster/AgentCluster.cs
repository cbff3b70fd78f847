using Pgward.Cluster.Agents;
using Pgward.Testing.Network;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// What failover tests ask of a running cluster with an agent on every node, whichever way its hosts are laid out
/// (one loopback, or one network namespace per host): each agent's report, and waits for a primary or a standby.
/// </summary>
public abstract class AgentCluster : IAsyncDisposable
{
    /// <param name="tls">The CA the agents' certificates come from, which the test's <see cref="Client"/> trusts, and the
    /// certificate it presents (node 1's), so that it still gets answers with <c>agent_tls_client_auth = require</c>.</param>
    protected AgentCluster(AgentProcesses agents, int nodes, bool witness, (string CaFile, string CertFile, string KeyFile) tls)
    {
        // Made on first use: a network cluster issues its certificates after this constructor, and the client reads them.
        client = new Lazy<AgentClient>(() => TestAgentClient.Create(SandboxAgents.Token, tls.CaFile, tls.CertFile, tls.KeyFile));
        Agents = agents;
        Nodes = nodes;
        HasWitness = witness;
    }

    public AgentProcesses Agents { get; }
    public int Nodes { get; }
    public bool HasWitness { get; }
    private readonly Lazy<AgentClient> client;

    public AgentClient Client => client.Value;

    /// <summary>Node ids of every agent: the data nodes, then the witness.</summary>
    public IEnumerable<int> AgentIds => Enumerable.Range(1, Nodes + (HasWitness ? 1 : 0));

    /// <summary>Node ids of the voters: the data nodes, and the witness only when it breaks a tie (an even number of
    /// data nodes); beside an odd number its agent runs no failover.</summary>
    public IEnumerable<int> VoterIds => Enumerable.Range(1, Nodes + (HasWitness && Nodes % 2 == 0 ? 1 : 0));

    /// <summary>Where the test reaches node <paramref name="nodeId"/>'s agent.</summary>
    public abstract string AgentUrl(int nodeId);

    /// <summary>Node <paramref name="nodeId"/>'s pgward.conf.</summary>
    public abstract string Config(int nodeId);

    /// <summary>The test host node <paramref name="nodeId"/> runs on; null when every node shares the machine's network.</summary>
    public virtual TestHost? Host(int nodeId) => null;

    /// <summary>The port the test's client sees when node <paramref name="nodeId"/> acknowledges a write.</summary>
    public abstract int Port(int nodeId);

    /// <summary>Every voter's failover term.</summary>
    public async Task<long?[]> TermsAsync(CancellationToken ct) =>
        [.. (await Task.WhenAll(VoterIds.Select(id => ReportAsync(id, ct)))).Select(r => r?.FailoverTerm)];

    public async Task<NodeReport?> ReportAsync(int nodeId, CancellationToken ct)
    {
        var reply = await Client.GetNodeAsync(AgentUrl(nodeId), ct, TimeSpan.FromSeconds(1));
        return reply.Succeeded ? reply.Body : null;
    }

    /// <summary>
    /// Adds the agent token and <paramref name="settings"/> (e.g. <c>replication_mode = sync</c>) to every node's
    /// pgward.conf, starts the agents and waits until node 1 leads. The primary's agent starts last, once the others
    /// answer: it must hear from a majority within fence_timeout.
    /// </summary>
    /// <param name="primaryFirst">Start node 1's agent first and each of the others this long after the one before, as
    /// an operator turning failover on by hand might; null starts node 1's last, at once.</param>
    protected async Task StartAgentsAsync(string[] settings, string primaryConnectionString, CancellationToken ct, TimeSpan? primaryFirst = null)
    {
        foreach (var id in AgentIds)
        {
            await NodeConfig.SetAsync(Config(id), ct, [$"agent_token = {SandboxAgents.Token}", .. settings]);
        }
        var order = primaryFirst is null ? AgentIds.OrderByDescending(id => id == 1 ? 0 : id) : AgentIds.OrderBy(id => id);
        foreach (var id in order)
        {
            Agents.Start(id, Config(id), Host(id));
            await WaitAsync(async () => await ReportAsync(id, ct) is not null, TimeSpan.FromSeconds(30), $"agent {id} answering", ct);
            if (primaryFirst is { } pause)
            {
                await Task.Delay(pause, TimeProvider.System, ct);
            }
        }
        await WaitForAgreementAsync(ct);
        if (settings.Contains("replication_mode = sync"))
        {
            await WaitForSynchronousStandbysAsync(primaryConnectionString, ct);
        }
    }

    /// <summary>Waits until every voter's agent takes part in the failover protocol and has heard node 1 leading as primary; a
    /// witness that does not vote reports failover off.</summary>
    private Task WaitForAgreementAsync(CancellationToken ct) =>
        WaitAsync(async () =>
        {
            var reports = await Task.WhenAll(AgentIds.Select(id => ReportAsync(id, ct)));
            var voters = VoterIds.ToHashSet();
            return AgentIds.All(id => voters.Contains(id)
                    ? reports[id - 1] is { FailoverTerm: not null, FailoverHeardPrimary: true }
                    : reports[id - 1] is { FailoverTerm: null, FailoverState: "off" })
                && reports[0] is { Role: "primary", FailoverState: "primary" };
        }, TimeSpan.FromSeconds(60), "every voter in the failover protocol and node 1 leading", ct);

    /// <summary>Commits acknowledged before the leader set synchronous_standby_names were not protected by sync mode:
    /// a sync-mode test starts writing only once it is set.</summary>
    private Task WaitForSynchronousStandbysAsync(string primaryConnectionString, CancellationToken ct)
    {
        var wanted = "ANY 1 (" + string.Join(", ", Enumerable.Range(2, Nodes - 1).Select(id => $"\"node{id}\"")) + ")";
        return WaitAsync(async () => await Sql.ScalarAsync<string>(primaryConnectionString, "SHOW synchronous_standby_names", ct) == wanted,
            TimeSpan.FromSeconds(10), "synchronous_standby_names", ct);
    }

    /// <summary>The data node (other than <paramref name="except"/>) whose agent leads as primary on a writable
    /// server now, if one does.</summary>
    public async Task<int?> PrimaryAsync(CancellationToken ct, int? except = null)
    {
        foreach (var id in Enumerable.Range(1, Nodes).Where(id => id != except))
        {
            if (await ReportAsync(id, ct) is { Role: "primary", FailoverState: "primary" })
            {
                return id;
            }
        }
        return null;
    }

    /// <summary>Waits for a data node (other than <paramref name="except"/>) that runs a writable primary its agent leads.</summary>
    public async Task<int> WaitForPrimaryAsync(int except, TimeSpan limit, CancellationToken ct)
    {
        int? found = null;
        await WaitAsync(async () => (found = await PrimaryAsync(ct, except)) is not null, limit, $"a new primary other than node {except}", ct);
        return found!.Value;
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

    public virtual async ValueTask DisposeAsync()
    {
        await Agents.DisposeAsync();
        // An agent's dead-man switch outlives the agent by design (it stops the server when the lease runs out): the
        // test kills it, or it would outlive the test.
        foreach (var id in AgentIds)
        {
            await DeadManSwitches.KillAsync(Config(id), CancellationToken.None);
        }
        if (client.IsValueCreated)
        {
            client.Value.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
