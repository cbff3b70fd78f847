using Npgsql;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Checks;

/// <summary>Gathers <see cref="NodeCheckInput"/> for the local node: its server's facts and the metadata it holds.</summary>
public static class NodeInspection
{
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
                return new NodeCheckInput(ctx.Options, facts, null, nodes, hasPgVersion);
            }
            catch (NpgsqlException e)
            {
                return new NodeCheckInput(ctx.Options, null, e.Message, [], hasPgVersion);
            }
        }
    }
}
