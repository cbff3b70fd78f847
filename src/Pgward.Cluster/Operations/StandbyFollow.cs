using Npgsql;
using Pgward.Cluster.Timelines;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>pgward standby follow [--upstream-node-id N] [-w] [--dry-run]</c>: re-points the running local standby at the
/// current primary (or the given node), across a timeline change, with a reload rather than a restart.
/// Everything is checked before anything changes; a standby that went past the point where the upstream's
/// timeline forked is refused, because it needs <c>node rejoin</c> (pg_rewind) instead.
/// </summary>
public sealed class StandbyFollow(OperationContext ctx)
{
    /// <summary>How often the local WAL receiver is looked at while it connects to the new upstream: a local query, and
    /// a switchover's last step waits for it: 20 ms.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>How often an agent's follow asks the primary just elected whether its promotion finished: 100 ms. Its
    /// first heartbeat as the leader arrives before <c>pg_promote()</c> returns, and in sync mode its first commits wait
    /// for this standby; at <c>promote_check_interval</c> (1 s) the follow took a second longer than the promotion.</summary>
    public static readonly TimeSpan ElectedPrimaryPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The agent's follow of <paramref name="primaryId"/>, the primary its voters elected: only that node is asked (the
    /// old primary is no longer one, and a dead host would hold the attempt for its whole connect timeout), every
    /// <see cref="ElectedPrimaryPoll"/> until its promotion finished, for at most <c>primary_follow_timeout</c>.
    /// </summary>
    public Task<Outcome> RunElectedAsync(int primaryId, CancellationToken ct) =>
        RunAsync(primaryId, wait: true, dryRun: false, electedOnly: true, ct);

    public Task<Outcome> RunAsync(int? upstreamNodeId, bool wait, bool dryRun, CancellationToken ct) =>
        RunAsync(upstreamNodeId, wait, dryRun, electedOnly: false, ct);

    /// <param name="electedOnly">The agent's follow: <paramref name="upstreamNodeId"/> is the primary a majority elected,
    /// the only node asked, and asked every <see cref="ElectedPrimaryPoll"/>.</param>
    private async Task<Outcome> RunAsync(int? upstreamNodeId, bool wait, bool dryRun, bool electedOnly, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } local)
        {
            return Fail($"unable to connect to the local {ctx.LocalNode}: {attempt.Error}",
                hint: "standby follow needs the local standby running; a stopped node comes back with \"pgward node rejoin\"");
        }
        await using var _ = local;
        var facts = await ServerProbe.ReadAsync(local, ct);
        if (!facts.InRecovery)
        {
            return Fail($"the local {ctx.LocalNode} is not a standby",
                hint: "a former primary comes back as a standby with \"pgward node rejoin\"");
        }
        var localStore = new MetadataStore(local);
        if (!await localStore.SchemaExistsAsync(ct))
        {
            return Fail("no cluster metadata on this standby", hint: "register the primary and this standby first");
        }
        await using var primary = await FindPrimaryAsync(await localStore.GetNodesAsync(ct), upstreamNodeId, wait, electedOnly, ct);
        if (primary is null)
        {
            return Fail("unable to find a reachable primary to follow",
                hint: wait ? $"none appeared within primary_follow_timeout ({ctx.Options.PrimaryFollowTimeout.TotalSeconds:0} s)"
                           : "promote a standby first, or use -w/--wait to wait for one");
        }
        var nodes = await primary.Store.GetNodesAsync(ct);
        var (self, target, refusal) = Resolve(nodes, upstreamNodeId ?? primary.Node.NodeId);
        if (refusal is not null)
        {
            return refusal;
        }
        ctx.Reporter.Notice($"attaching to upstream {target!.Describe()}");
        var replication = PrimaryConninfoFor(target);
        var (problem, timeline) = await CheckAsync(facts, target, replication, primary, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (dryRun)
        {
            ctx.Reporter.Notice($"would attach {ctx.LocalNode} to {target.Describe()} with primary_conninfo '{replication.ToMaskedString()}'");
            return Outcome.Ok;
        }
        return await FollowAsync(local, primary, new FollowPlan(self!, target, replication, timeline, nodes), ct);
    }

    // The chosen upstream is asked first: after a failover the old primary may hang a connection attempt for its
    // whole connect timeout.
    private async Task<PrimaryConnection?> FindPrimaryAsync(IReadOnlyList<NodeRecord> nodes, int? upstreamNodeId, bool wait, bool electedOnly,
        CancellationToken ct)
    {
        var others = nodes.Where(n => n.NodeId != ctx.Options.NodeId && (!electedOnly || n.NodeId == upstreamNodeId)).ToList();
        PrimaryConnection? found = null;
        await Waiting.UntilAsync(async token =>
        {
            found = await ClusterMetadata.ConnectPrimaryAsync(ctx, others, upstreamNodeId, token);
            return found is not null;
        }, wait ? ctx.Options.PrimaryFollowTimeout : TimeSpan.Zero,
            electedOnly ? ElectedPrimaryPoll : ctx.Options.PromoteCheckInterval, ctx.Time, ct);
        return found;
    }

    private (NodeRecord? Self, NodeRecord? Target, Outcome? Refusal) Resolve(IReadOnlyList<NodeRecord> nodes, int targetId)
    {
        if (nodes.FirstOrDefault(n => n.NodeId == ctx.Options.NodeId) is not { } self)
        {
            return (null, null, Fail($"the local {ctx.LocalNode} is not registered", hint: "register it with \"pgward standby register\""));
        }
        if (targetId == self.NodeId)
        {
            return (null, null, Fail("a node cannot follow itself"));
        }
        if (nodes.FirstOrDefault(n => n.NodeId == targetId) is not { } target)
        {
            return (null, null, Fail($"upstream node ID {targetId} is not registered"));
        }
        if (target.Type == NodeType.Witness || !target.Active)
        {
            return (null, null, Fail($"{target.Describe()} is {(target.Active ? "a witness" : "inactive")} and cannot be followed"));
        }
        return (self, target, null);
    }

    /// <summary>primary_conninfo for the new upstream: its host and port, our replication user, application_name = node_name.</summary>
    private Conninfo PrimaryConninfoFor(NodeRecord target) =>
        Conninfo.Parse(target.Conninfo)
            .With("user", NodeRecords.ReplicationUser(ctx.Options))
            .With("dbname", null)
            .With("application_name", ctx.Options.NodeName);

    /// <returns>The problem that refuses the follow, or the follow target's timeline.</returns>
    private async Task<(Outcome? Problem, int Timeline)> CheckAsync(ServerFacts local, NodeRecord target, Conninfo replication,
        PrimaryConnection primary, CancellationToken ct)
    {
        var (sql, owned, error) = await ConnectAsync(target, primary, ct);
        if (sql is null)
        {
            return (Fail($"unable to connect to {target.Describe()}: {error}"), 0);
        }
        await using var _ = owned;
        UpstreamIdentity? identity;
        (identity, error) = await ReplicationProbe.ReadAsync(replication, sql, ct);
        if (identity is null)
        {
            return (Fail($"unable to open a replication connection to {target.Describe()}: {error}",
                hint: "check that it runs and that pg_hba.conf allows replication connections from this host"), 0);
        }
        ctx.Reporter.Info("replication connection to the follow target node was successful");
        if (identity.SystemIdentifier != local.SystemIdentifier)
        {
            return (Fail($"{target.Describe()} is not part of this cluster",
                detail: $"its system identifier is {identity.SystemIdentifier}, this node's is {local.SystemIdentifier}"), 0);
        }
        ctx.Reporter.Info("local and follow target system identifiers match");
        var localLsn = Max(local.ReceiveLsn, local.ReplayLsn);
        var verdict = TimelineFork.CanFollow(local.Timeline, localLsn, identity.Timeline, identity.History);
        if (!verdict.CanFollow)
        {
            return (Fail($"this node cannot attach to follow target {target.Describe()}", detail: verdict.Reason,
                hint: "stop this node and bring it back with \"pgward node rejoin --force-rewind\""), 0);
        }
        ctx.Reporter.Info($"local timeline {local.Timeline} at {localLsn} can follow timeline {identity.Timeline} of {target.Describe()}");
        return (null, identity.Timeline);
    }

    private async Task<Outcome> FollowAsync(NpgsqlConnection local, PrimaryConnection primary, FollowPlan plan, CancellationToken ct)
    {
        var (self, target, replication, timeline, _) = plan;
        var slotName = ctx.Options.UseReplicationSlots ? NodeRecords.SlotName(self.NodeId) : null;
        if (slotName is not null && await CreateSlotAsync(target, primary, slotName, ct) is { } slotProblem)
        {
            return slotProblem;
        }
        await UpstreamSettings.ApplyAsync(local, replication, slotName, ct);
        if (await DelayedStandby.DelayAsync(local, ct) is { } delay)
        {
            // Waiting for it to stream would wait out the delay, and the agent would take the failure for a fork and
            // rewind or re-clone the delayed copy: the check above settled that it can follow; the setting is what is left.
            var wanted = replication.ToString();
            if (!await Waiting.UntilAsync(async token => await ReadPrimaryConninfoAsync(local, token) == wanted,
                    ctx.Options.StandbyFollowTimeout, PollInterval, ctx.Time, ct))
            {
                return Fail($"the local {ctx.LocalNode} did not take the new primary_conninfo", hint: "check the server's log for the reload");
            }
            ctx.Reporter.Notice($"{ctx.LocalNode} applies WAL late on purpose (recovery_min_apply_delay = {delay}): it streams timeline "
                + $"{timeline} from {target.Describe()} once it has replayed the WAL it holds back, at most {delay} from now");
        }
        else if (!await StreamsFromAsync(local, replication, timeline, ct))
        {
            return Fail($"the local {ctx.LocalNode} is not streaming timeline {timeline} from {target.Describe()} "
                + $"after {ctx.Options.StandbyFollowTimeout.TotalSeconds:0} seconds (standby_follow_timeout)",
                hint: "primary_conninfo now names the new upstream; check both servers' logs");
        }
        var updated = self with { UpstreamNodeId = target.NodeId, Active = true, SlotName = slotName };
        await primary.Store.UpsertNodeAsync(updated, ct);
        KnownNodesCache.Save(ctx.Options, await primary.Store.GetNodesAsync(ct));
        await DropOldSlotAsync(plan, ct);
        var details = $"standby attached to upstream node \"{target.NodeName}\" (ID: {target.NodeId})";
        await ctx.Events.RecordAsync(primary.Store, new ClusterEvent(self.NodeId, self.NodeName, "standby_follow", true, details, Related: target), ct);
        ctx.Reporter.Notice("STANDBY FOLLOW successful");
        ctx.Reporter.Detail(details);
        return Outcome.Ok;
    }

    private async Task<Outcome?> CreateSlotAsync(NodeRecord target, PrimaryConnection primary, string slotName, CancellationToken ct)
    {
        var (upstream, owned, error) = await ConnectAsync(target, primary, ct);
        if (upstream is null)
        {
            return Fail($"unable to connect to {target.Describe()} to create replication slot \"{slotName}\": {error}");
        }
        await using var _ = owned;
        await ReplicationSlots.EnsureAsync(upstream, slotName, ct);
        return null;
    }

    /// <summary>A connection to <paramref name="target"/>: the primary's when the target is the primary (each new one is a
    /// TLS and scram handshake, and the follow of a new primary is on the failover's clock), else a new one, which the
    /// caller disposes (<c>Owned</c>).</summary>
    private async Task<(NpgsqlConnection? Connection, NpgsqlConnection? Owned, string? Error)> ConnectAsync(NodeRecord target,
        PrimaryConnection primary, CancellationToken ct)
    {
        if (primary.Node.NodeId == target.NodeId)
        {
            return (primary.Connection, null, null);
        }
        var attempt = await ctx.Db.TryOpenAsync(target.Conninfo, ct);
        return (attempt.Connection, attempt.Connection, attempt.Error);
    }

    /// <summary>The <c>primary_conninfo</c> the server runs with now (a reload takes effect a moment after it is asked for).</summary>
    private static async Task<string?> ReadPrimaryConninfoAsync(NpgsqlConnection local, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT current_setting('primary_conninfo')", local);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Whether the WAL receiver streams from the new upstream on its timeline (or a later one). A standby whose
    /// history forked from the upstream's (WAL from the old primary arrived after the check) is seen "streaming" from it
    /// too, over and over for a moment: it fetches the old timeline up to the switch point, which it is already past,
    /// then cannot switch; its received timeline stays the old one.</summary>
    private Task<bool> StreamsFromAsync(NpgsqlConnection local, Conninfo replication, int timeline, CancellationToken ct) =>
        Waiting.UntilAsync(async token => await UpstreamSettings.ReadReceiverAsync(local, token) is { Status: "streaming" } receiver
                && receiver.ReceivedTimeline >= timeline
                && receiver.SenderPort == replication.Port
                && string.Equals(receiver.SenderHost, replication.Host, StringComparison.OrdinalIgnoreCase),
            ctx.Options.StandbyFollowTimeout, PollInterval, ctx.Time, ct);

    /// <summary>The slot on the former upstream would keep its WAL forever: drop it when that node answers.</summary>
    private async Task DropOldSlotAsync(FollowPlan plan, CancellationToken ct)
    {
        var (self, target, _, _, nodes) = plan;
        var slotName = self.SlotName ?? NodeRecords.SlotName(self.NodeId);
        if (!ctx.Options.UseReplicationSlots || self.UpstreamNodeId is not { } oldId || oldId == target.NodeId)
        {
            return;
        }
        var old = nodes.FirstOrDefault(n => n.NodeId == oldId);
        var attempt = old is null ? null : await ctx.Db.TryOpenAsync(old.Conninfo, ct);
        if (attempt?.Connection is not { } connection)
        {
            ctx.Reporter.Notice($"former upstream node ID {oldId} is not reachable; its replication slot \"{slotName}\" was left in place");
            return;
        }
        await using var _ = connection;
        if (await ReplicationSlots.DropIfInactiveAsync(connection, slotName, ct))
        {
            ctx.Reporter.Info($"dropped replication slot \"{slotName}\" on former upstream {old!.Describe()}");
        }
    }

    private static Lsn Max(Lsn? a, Lsn? b) => (a ?? Lsn.Invalid) > (b ?? Lsn.Invalid) ? a!.Value : b ?? Lsn.Invalid;

    private static Outcome Fail(string error, string? hint = null, string? detail = null) =>
        Outcome.Fail(ExitCodes.FollowFailed, error, hint: hint, detail: detail);
}
