using Npgsql;
using Pgward.Cluster.Agents;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Checks;

/// <summary>Gathers <see cref="NodeCheckInput"/> for the local node: its server's facts and the metadata it holds, and
/// its agent's report when asked for.</summary>
public static class NodeInspection
{
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Whether the local agent answers (<c>/liveness</c>, no token needed), and whether it is paused (its
    /// <c>/node</c> report, with the token of pgward.conf); 2 s at most each.</summary>
    public static async Task<AgentSighting> SightAgentAsync(OperationContext ctx, CancellationToken ct)
    {
        var url = NodeRecords.AgentUrl(ctx.Options);
        using var client = new AgentClient(ctx.Options, ctx.Time);
        var live = await client.GetHealthAsync(url, "liveness", ct, AgentTimeout);
        if (!live.Succeeded)
        {
            return new AgentSighting(url, false, false, null,
                live.Reachable ? $"the agent at {url} answered {live.StatusCode}" : $"no answer from {url}: {live.Error}");
        }
        var report = await client.GetNodeAsync(url, ct, AgentTimeout);
        return report is { Succeeded: true, Body: { } body }
            ? new AgentSighting(url, true, body.Paused, body.AgentPid, null)
            : new AgentSighting(url, true, false, null,
                $"its report at {url}/node was refused ({report.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? report.Error}): "
                + "is agent_token in pgward.conf the cluster's?");
    }

    public static async Task<NodeCheckInput> InspectAsync(OperationContext ctx, CancellationToken ct)
    {
        var hasPgVersion = File.Exists(Path.Combine(ctx.Options.DataDirectory, "PG_VERSION"));
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            var (source, _) = await ClusterMetadata.ReadAsync(ctx, ct);
            return new NodeCheckInput(ctx.Options, null, attempt.Error, source?.Nodes ?? [], hasPgVersion);
        }
        await using (connection)
        {
            try
            {
                var facts = await ServerProbe.ReadAsync(connection, ct);
                var store = new MetadataStore(connection);
                var nodes = await store.SchemaExistsAsync(ct) ? await store.GetNodesAsync(ct) : [];
                if (facts.ApplyDelay > TimeSpan.Zero && nodes.Count > 0)
                {
                    // A delayed standby's own records are as old as its delay: the primary's (ClusterMetadata) are the truth.
                    nodes = (await ClusterMetadata.ReadAsync(ctx, ct)).Source?.Nodes ?? nodes;
                }
                return new NodeCheckInput(ctx.Options, facts, null, nodes, hasPgVersion);
            }
            catch (NpgsqlException e)
            {
                return new NodeCheckInput(ctx.Options, null, e.Message, [], hasPgVersion);
            }
        }
    }
}
