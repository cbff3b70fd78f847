namespace Pgward.Cluster.Show;

/// <summary><c>pgward cluster show</c>: reads the metadata from any reachable node, connects to every node, and lists the backup servers.</summary>
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
        var backupServers = await BackupServerReader.ReadAsync(ctx.Db, observations, ct);
        return (ClusterStatusEvaluator.Evaluate(observations, source.ReadFrom) with
        {
            BackupServers = backupServers,
            LayoutWarning = VoterCountWarning.For(source.Nodes, failoverRuns: ctx.Options.AgentToken.Length > 0),
        }, Outcome.Ok);
    }
}
