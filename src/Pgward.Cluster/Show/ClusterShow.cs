namespace Pgward.Cluster.Show;

/// <summary><c>pgward cluster show</c>: reads the metadata from any reachable node and connects to every node.</summary>
public sealed class ClusterShow(OperationContext ctx)
{
    public async Task<(ClusterReport? Report, Outcome Outcome)> RunAsync(CancellationToken ct)
    {
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return (null, outcome);
        }
        var observations = await ClusterObserver.ObserveAsync(ctx.Db, source.Nodes, ct);
        return (ClusterStatusEvaluator.Evaluate(observations, source.ReadFrom), Outcome.Ok);
    }
}
