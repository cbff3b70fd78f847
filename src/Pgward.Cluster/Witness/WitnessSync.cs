using Npgsql;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Witness;

/// <summary>
/// Copies the primary's node records to every registered witness. A witness does not replicate, so after any change
/// of roles its copy is only as fresh as the last sync.
/// </summary>
public static class WitnessSync
{
    /// <summary>Returns what could not be synced (empty when every witness has the primary's records).</summary>
    public static async Task<IReadOnlyList<string>> SyncAsync(OperationContext ctx, PrimaryConnection primary, CancellationToken ct)
    {
        var nodes = await primary.Store.GetNodesAsync(ct);
        var problems = new List<string>();
        foreach (var witness in nodes.Where(n => n.Type == NodeType.Witness && n.Active))
        {
            var attempt = await ctx.Db.TryOpenAsync(witness.Conninfo, ct);
            if (attempt.Connection is not { } connection)
            {
                problems.Add($"witness {witness.Describe()} cannot be reached: {attempt.Error}");
                continue;
            }
            await using (connection)
            {
                try
                {
                    await new MetadataStore(connection).ReplaceNodesAsync(nodes, ct);
                }
                catch (NpgsqlException e)
                {
                    problems.Add($"witness {witness.Describe()}: {e.Message}");
                }
            }
        }
        return problems;
    }
}
