using Npgsql;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Rejoin;

/// <summary>Finds the node to rejoin: the active registered primary, read from the metadata at <c>-d</c>, that really runs as primary.</summary>
public static class RejoinTarget
{
    public static async Task<(PrimaryConnection? Primary, Outcome Outcome)> FindAsync(OperationContext ctx, string conninfo, CancellationToken ct)
    {
        if (!Conninfo.TryParse(conninfo, out var parsed, out var error))
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"-d/--dbname is not a valid conninfo: {error}"));
        }
        var attempt = await ctx.Db.TryOpenAsync(conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return (null, Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to {parsed!.ToMaskedString()}: {attempt.Error}",
                hint: "-d must reach a running node of the cluster"));
        }
        // Kept open: when -d names the primary itself (a switchover's rejoin does), the rejoin goes on over it instead of
        // a second TLS and SCRAM handshake with the same server.
        var spare = connection;
        try
        {
            var store = new MetadataStore(connection);
            if (!await store.SchemaExistsAsync(ct))
            {
                return (null, Outcome.Fail(ExitCodes.BadConfig, $"no cluster metadata at {parsed!.ToMaskedString()}",
                    hint: "-d must reach a node of a registered cluster"));
            }
            var nodes = await store.GetNodesAsync(ct);
            foreach (var candidate in nodes.Where(n => n.Type == NodeType.Primary && n.Active && n.NodeId != ctx.Options.NodeId))
            {
                NpgsqlConnection open;
                if (spare is not null && candidate.Conninfo == conninfo)
                {
                    (open, spare) = (spare, null);
                }
                else
                {
                    var primary = await ctx.Db.TryOpenAsync(candidate.Conninfo, ct);
                    if (primary.Connection is null)
                    {
                        ctx.Reporter.Warning($"unable to connect to the registered primary {candidate.Describe()}: {primary.Error}");
                        continue;
                    }
                    open = primary.Connection;
                }
                if (!await ClusterMetadata.IsInRecoveryAsync(open, ct))
                {
                    return (new PrimaryConnection(candidate, open), Outcome.Ok);
                }
                ctx.Reporter.Warning($"the registered primary {candidate.Describe()} is in recovery");
                await open.DisposeAsync();
            }
        }
        finally
        {
            if (spare is not null)
            {
                await spare.DisposeAsync();
            }
        }
        return (null, Outcome.Fail(ExitCodes.RejoinFailed, "no active primary to rejoin was found",
            detail: $"none of the active primary records at {parsed!.ToMaskedString()} (other than this node) runs as primary",
            hint: "promote a standby first (pgward standby promote), then rejoin this node to it"));
    }
}
