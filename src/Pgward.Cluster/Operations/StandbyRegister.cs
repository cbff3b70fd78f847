using Npgsql;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>pgward standby register [--upstream-node-id N] [--wait-start SECS] [-F] [--dry-run]</c>: records the local
/// standby in the metadata on the primary, once the standby runs and follows it.
/// </summary>
public sealed class StandbyRegister(OperationContext ctx)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public async Task<Outcome> RunAsync(int? upstreamNodeId, TimeSpan waitStart, bool force, bool dryRun, CancellationToken ct)
    {
        var options = ctx.Options;
        NpgsqlConnection? local = null;
        var started = await Waiting.UntilAsync(async token =>
        {
            local = (await ctx.Db.TryOpenAsync(options.Conninfo, token)).Connection;
            return local is not null;
        }, waitStart, TimeSpan.FromSeconds(1), ctx.Time, ct);
        if (!started || local is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection,
                $"unable to connect to the local {ctx.LocalNode} within {waitStart.TotalSeconds:0} seconds",
                hint: "start the standby first (pg_ctl start), or give it longer with --wait-start");
        }
        await using var _ = local;
        if (!await ClusterMetadata.IsInRecoveryAsync(local, ct))
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"the local {ctx.LocalNode} is not a standby",
                hint: "a primary registers with \"pgward primary register\"");
        }
        var localStore = new MetadataStore(local);
        if (!await localStore.SchemaExistsAsync(ct))
        {
            return Outcome.Fail(ExitCodes.BadConfig, "no cluster metadata on this standby",
                hint: "register the primary first (pgward primary register), then clone from it");
        }
        var nodes = await localStore.GetNodesAsync(ct);
        await using var primary = await ClusterMetadata.ConnectPrimaryAsync(ctx, nodes, ct);
        if (primary is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection, "unable to connect to the primary to register this standby",
                hint: "check that the primary runs and that its registered conninfo works from this host");
        }

        var upstreamId = upstreamNodeId ?? primary.Node.NodeId;
        var current = await primary.Store.GetNodesAsync(ct);
        if (Validate(current, upstreamId, force) is { } refusal)
        {
            return refusal;
        }
        var upstream = current.Single(n => n.NodeId == upstreamId);
        var record = NodeRecords.FromOptions(options, NodeType.Standby, upstreamId);
        if (dryRun)
        {
            ctx.Reporter.Info($"would register {ctx.LocalNode} as a standby of {upstream.Describe()}");
            return Outcome.Ok;
        }

        var former = current.FirstOrDefault(n => n.NodeId == options.NodeId);
        await primary.Store.UpsertNodeAsync(record, ct);
        await DropFormerSlotAsync(former, current, upstreamId, ct);
        KnownNodesCache.Save(options, await primary.Store.GetNodesAsync(ct));
        await ctx.Events.RecordAsync(primary.Store, new ClusterEvent(options.NodeId, options.NodeName, "standby_register", true,
            $"standby registration succeeded; upstream node ID is {upstreamId}", Related: upstream), ct);

        // The record reaches this standby through replication; wait so that commands run next on this node see it. A
        // delayed standby applies it only after its delay: its commands read the primary's metadata meanwhile.
        if (await DelayedStandby.DelayAsync(local, ct) is { } delay)
        {
            ctx.Reporter.Notice($"{ctx.LocalNode} applies WAL late on purpose (recovery_min_apply_delay = {delay}): the record reaches it "
                + "that much later, and pgward reads the primary's metadata on it meanwhile");
        }
        else if (!await Waiting.UntilAsync(async token => await localStore.GetNodeAsync(options.NodeId, token) == record,
            TimeSpan.FromSeconds(10), PollInterval, ctx.Time, ct))
        {
            ctx.Reporter.Warning("the new record has not reached this standby yet; check that it replays WAL");
        }
        ctx.Reporter.Notice($"standby {ctx.LocalNode} registered");
        return Outcome.Ok;
    }

    /// <summary>Registered again behind another upstream (a standby re-cloned from another node, to cascade): the slot on
    /// its former upstream would hold WAL forever. Dropped when that node answers and nothing streams through it.</summary>
    private async Task DropFormerSlotAsync(NodeRecord? former, IReadOnlyList<NodeRecord> nodes, int upstreamId, CancellationToken ct)
    {
        if (former is not { UpstreamNodeId: { } oldId } || oldId == upstreamId || nodes.FirstOrDefault(n => n.NodeId == oldId) is not { } old)
        {
            return;
        }
        var slotName = former.SlotName ?? NodeRecords.SlotName(former.NodeId);
        var attempt = await ctx.Db.TryOpenAsync(old.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            ctx.Reporter.Notice($"former upstream {old.Describe()} is not reachable; its replication slot \"{slotName}\" was left in place");
            return;
        }
        await using var _ = connection;
        try
        {
            if (await ReplicationSlots.DropIfInactiveAsync(connection, slotName, ct))
            {
                ctx.Reporter.Notice($"dropped replication slot \"{slotName}\" on former upstream {old.Describe()}");
            }
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            // The former upstream went away meanwhile, say: the registration stands, the slot is reported.
            ctx.Reporter.Warning($"unable to drop replication slot \"{slotName}\" on former upstream {old.Describe()}: {e.Message}");
        }
    }

    private Outcome? Validate(IReadOnlyList<NodeRecord> nodes, int upstreamId, bool force)
    {
        var options = ctx.Options;
        if (nodes.FirstOrDefault(n => n.NodeName == options.NodeName && n.NodeId != options.NodeId) is { } sameName)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"node_name \"{options.NodeName}\" is already used by node ID {sameName.NodeId}",
                hint: "give each node a unique \"node_name\" in pgward.conf");
        }
        if (upstreamId == options.NodeId)
        {
            return Outcome.Fail(ExitCodes.BadConfig, "a node cannot be its own upstream");
        }
        if (nodes.FirstOrDefault(n => n.NodeId == upstreamId) is not { } upstream)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"upstream node ID {upstreamId} is not registered",
                hint: "register the upstream first, or name another with --upstream-node-id");
        }
        if ((!upstream.Active || upstream.Type == NodeType.Witness) && !force)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"upstream {upstream.Describe()} is {(upstream.Active ? "a witness" : "inactive")}",
                hint: "name an active primary or standby with --upstream-node-id, or use -F/--force");
        }
        if (nodes.FirstOrDefault(n => n.NodeId == options.NodeId) is { } existing && !force)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"{existing.Describe()} is already registered as {existing.Type.ToName()}",
                hint: "use -F/--force to overwrite the existing record");
        }
        return null;
    }
}
