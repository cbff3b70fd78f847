using Npgsql;
using Pgward.Cluster.Clone;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster;

/// <summary>Finds the cluster's metadata and its primary from wherever they can be reached.</summary>
public static class ClusterMetadata
{
    /// <summary>
    /// Reads the node records from the local node, or, when it is down or has no metadata, from the first
    /// reachable node this host has seen before (<see cref="KnownNodesCache"/>). A delayed standby's own copy is as old
    /// as its <c>recovery_min_apply_delay</c> (a node registered, a failover within the hour are not in it): its
    /// metadata is read from the primary, and from its own copy only when no primary answers.
    /// </summary>
    public static async Task<(MetadataSource? Source, Outcome Outcome)> ReadAsync(OperationContext ctx, CancellationToken ct)
    {
        var local = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        string? localProblem = local.Error;
        if (local.Connection is { } connection)
        {
            await using (connection)
            {
                // A server that stops between the connection and the read (a fast shutdown ends the session with
                // 57P01) is a server that is down: the other nodes are asked, as when it could not be reached.
                try
                {
                    var store = new MetadataStore(connection);
                    if (await store.SchemaExistsAsync(ct))
                    {
                        var nodes = await store.GetNodesAsync(ct);
                        if (await Operations.DelayedStandby.DelayAsync(connection, ct) is not null
                            && await FromPrimaryAsync(ctx, nodes, ct) is { } current)
                        {
                            KnownNodesCache.Save(ctx.Options, current.Nodes);
                            return (current, Outcome.Ok);
                        }
                        KnownNodesCache.Save(ctx.Options, nodes);
                        return (new MetadataSource(nodes, ctx.LocalNode, FromLocalNode: true, ctx.Options.NodeId), Outcome.Ok);
                    }
                    localProblem = "schema \"pgward\" does not exist in its database";
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
                {
                    localProblem = e.Message;
                }
            }
        }

        foreach (var (nodeId, conninfo) in FallbackSources(ctx))
        {
            var remote = await ctx.Db.TryOpenAsync(conninfo, ct);
            if (remote.Connection is not { } remoteConnection)
            {
                continue;
            }
            await using (remoteConnection)
            {
                try
                {
                    var store = new MetadataStore(remoteConnection);
                    if (await store.SchemaExistsAsync(ct))
                    {
                        var from = nodeId is { } id ? $"node ID {id}" : "the upstream in primary_conninfo";
                        return (new MetadataSource(await store.GetNodesAsync(ct), from, FromLocalNode: false, nodeId), Outcome.Ok);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
                {
                    // Gone between the connection and the read, like one that could not be reached: the next is asked.
                }
            }
        }

        return (null, Outcome.Fail(
            ExitCodes.DbConnection,
            $"unable to read the cluster metadata from the local {ctx.LocalNode}: {localProblem}",
            hint: "check \"conninfo\" in pgward.conf and that the server is running; the primary must be registered first (pgward primary register)"));
    }

    /// <summary>
    /// Reads the metadata and the record of <paramref name="nodeId"/> (default: the local node), which must be
    /// registered as <paramref name="type"/>: what the unregister commands start from.
    /// </summary>
    public static async Task<(MetadataSource? Source, NodeRecord? Node, Outcome Outcome)> FindNodeAsync(
        OperationContext ctx, int? nodeId, NodeType type, CancellationToken ct)
    {
        var (source, outcome) = await ReadAsync(ctx, ct);
        if (source is null)
        {
            return (null, null, outcome);
        }
        var targetId = nodeId ?? ctx.Options.NodeId;
        if (source.Nodes.FirstOrDefault(n => n.NodeId == targetId) is not { } target)
        {
            return (source, null, Outcome.Fail(ExitCodes.BadConfig, $"no node with ID {targetId} is registered"));
        }
        if (target.Type != type)
        {
            return (source, null, Outcome.Fail(ExitCodes.BadConfig,
                $"{target.Describe()} is registered as {target.Type.ToName()}, not {type.ToName()}",
                hint: $"use \"pgward {target.Type.ToName()} unregister\""));
        }
        return (source, target, Outcome.Ok);
    }

    /// <summary>The metadata as the node running as primary holds it (<paramref name="nodes"/>: where to look), null when none answers.</summary>
    private static async Task<MetadataSource?> FromPrimaryAsync(OperationContext ctx, IReadOnlyList<NodeRecord> nodes, CancellationToken ct)
    {
        await using var primary = await ConnectPrimaryAsync(ctx, [.. nodes.Where(n => n.NodeId != ctx.Options.NodeId)], ct);
        if (primary is null)
        {
            return null;
        }
        try
        {
            return new MetadataSource(await primary.Store.GetNodesAsync(ct), primary.Node.Describe(), FromLocalNode: false, primary.Node.NodeId);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Where else the metadata may be read when the local node cannot serve it: the nodes this host saw last time,
    /// then the upstream this node streams from (a standby's primary_conninfo, readable while the server is down).
    /// </summary>
    private static IEnumerable<(int? NodeId, string Conninfo)> FallbackSources(OperationContext ctx)
    {
        foreach (var (nodeId, conninfo) in KnownNodesCache.Load(ctx.Options.ConfigFile).Where(n => n.NodeId != ctx.Options.NodeId))
        {
            yield return (nodeId, conninfo);
        }
        if (PrimaryConninfo.Read(ctx.Options.DataDirectory) is { } upstream
            && Conninfo.TryParse(upstream, out var parsed, out _)
            && Conninfo.TryParse(ctx.Options.Conninfo, out var local, out _))
        {
            // primary_conninfo names the replication user; the metadata is read as the local conninfo's user.
            yield return (null, parsed!.With("user", local!.User).With("dbname", local.DbName).With("application_name", null).ToString());
        }
    }

    /// <summary>
    /// Connects to the node that is running as primary: the active registered primary if it is, else any
    /// registered node that is not in recovery. Null when none can be reached.
    /// </summary>
    public static Task<PrimaryConnection?> ConnectPrimaryAsync(OperationContext ctx, IReadOnlyList<NodeRecord> nodes, CancellationToken ct) =>
        ConnectPrimaryAsync(ctx, nodes, preferredNodeId: null, ct);

    /// <param name="preferredNodeId">A node to try first (then the recorded primary): the one expected to be the
    /// primary now, e.g. the winner of a failover, while the recorded one may hang the attempt for its connect timeout.</param>
    public static async Task<PrimaryConnection?> ConnectPrimaryAsync(OperationContext ctx, IReadOnlyList<NodeRecord> nodes, int? preferredNodeId,
        CancellationToken ct)
    {
        var ordered = nodes
            .Where(n => n.Type != NodeType.Witness)
            .OrderByDescending(n => n.NodeId == preferredNodeId)
            .ThenByDescending(n => n.Type == NodeType.Primary && n.Active);
        foreach (var node in ordered)
        {
            var attempt = await ctx.Db.TryOpenAsync(node.Conninfo, ct);
            if (attempt.Connection is not { } connection)
            {
                continue;
            }
            if (!await IsInRecoveryAsync(connection, ct))
            {
                return new PrimaryConnection(node, connection);
            }
            await connection.DisposeAsync();
        }
        return null;
    }

    public static async Task<bool> IsInRecoveryAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
