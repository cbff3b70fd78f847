using Pgward.Core.Metadata;

namespace Pgward.Cluster.Agents;

/// <summary>
/// Finds a writable primary whose agent does not answer: one that was left running while the cluster was paused
/// (<c>daemon stop</c> then detaches it). Nothing fences it, so <c>daemon unpause</c> refuses while it is there: the
/// other agents would elect a second primary the moment they no longer hear one.
/// </summary>
public static class AgentlessPrimary
{
    /// <summary>The problem to report, or null when every writable primary's agent answers.</summary>
    public static async Task<string?> FindAsync(OperationContext ctx, AgentClient agents, IReadOnlyList<NodeRecord> nodes, CancellationToken ct)
    {
        foreach (var node in nodes.Where(n => n.Type != NodeType.Witness && n.AgentUrl is { Length: > 0 }))
        {
            if ((await agents.GetNodeAsync(node.AgentUrl!, ct)).Succeeded)
            {
                continue;
            }
            var attempt = await ctx.Db.TryOpenAsync(node.Conninfo, ct);
            if (attempt.Connection is not { } connection)
            {
                continue;
            }
            await using (connection)
            {
                if (!await ClusterMetadata.IsInRecoveryAsync(connection, ct))
                {
                    return $"{node.Describe()} runs a writable primary and its agent does not answer: unpaused, the other agents "
                        + "would elect a second primary as soon as they stop hearing it";
                }
            }
        }
        return null;
    }
}
