using Pgward.Cluster.Agents;

namespace Pgward.Cluster.Matrix;

/// <summary><c>pgward cluster matrix</c> and <c>cluster crosscheck</c>: connectivity gathered through the agents, no SSH.</summary>
public sealed class ClusterMatrix(OperationContext ctx)
{
    /// <summary>
    /// How long an agent may take to relay its matrix: 20 s, since it waits up to <see cref="MatrixGatherer.RowTimeout"/>
    /// for each row itself (in parallel).
    /// </summary>
    public static readonly TimeSpan RelayTimeout = TimeSpan.FromSeconds(20);

    public async Task<(ConnectivityMatrix? Matrix, Outcome Outcome)> MatrixAsync(CancellationToken ct)
    {
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return (null, outcome);
        }
        using var agents = new AgentClient(ctx.Options, ctx.Time);
        return (await MatrixGatherer.GatherAsync(agents, source.Nodes, ct), Outcome.Ok);
    }

    public async Task<(CrosscheckResult? Result, Outcome Outcome)> CrosscheckAsync(CancellationToken ct)
    {
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return (null, outcome);
        }
        using var agents = new AgentClient(ctx.Options, ctx.Time);
        var own = MatrixGatherer.GatherAsync(agents, source.Nodes, ct);
        var views = Task.WhenAll(source.Nodes.OrderBy(n => n.NodeId).Select(async n =>
        {
            if (n.AgentUrl is not { } url)
            {
                return new ObserverView(n.NodeId, null, "no agent URL is registered for this node");
            }
            var reply = await agents.GetConnectivityMatrixAsync(url, ct, RelayTimeout);
            return reply.Succeeded && reply.Body?.Rows is not null
                ? new ObserverView(n.NodeId, reply.Body)
                : new ObserverView(n.NodeId, null, reply.Error ?? $"agent at {url} gave no answer");
        }));
        await Task.WhenAll(own, views);
        return (Crosscheck.Merge(await own, await views), Outcome.Ok);
    }
}
