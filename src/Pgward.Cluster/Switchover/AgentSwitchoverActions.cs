using Npgsql;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Show;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Switchover;

/// <summary>
/// The switchover's steps carried out through each node's agent (no SSH): stop and rejoin on the old primary,
/// promote on the candidate, follow on the siblings. The wait for the shutdown checkpoint, the metadata's update and the
/// closing event are done from here, over one connection to the candidate, opened while the primary stops: each new
/// connection is a TLS and scram handshake, and the first two steps are in the write gap and on the command's clock.
/// </summary>
public sealed class AgentSwitchoverActions(OperationContext ctx, AgentClient agents, SwitchoverPlan plan, bool forceRewind)
    : ISwitchoverActions, IAsyncDisposable
{
    /// <summary>How often the candidate's received position is polled: the write outage lasts at least this long.</summary>
    private static readonly TimeSpan ReceivePoll = TimeSpan.FromMilliseconds(10);

    /// <summary>How long a failed promotion waits for the standbys' own election to give the cluster a primary: 15 s, well
    /// past an election and a promotion (2-3 s).</summary>
    private static readonly TimeSpan ElectionWait = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan ElectionPoll = TimeSpan.FromMilliseconds(200);

    // Actions that run pg_ctl or pg_rewind on the far side get their own bound plus slack for the HTTP round trip.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);

    // The connection to the candidate, opened beside the primary's stop (StopPrimaryAsync); null until then.
    private Task<ConnectResult>? candidateOpening;
    private NpgsqlConnection? candidate;
    private bool candidateTaken;
    private string? lastConnectError;
    // Set once the candidate's promotion succeeded: the closing event goes to it then.
    private bool promoted;

    public async Task<(StepResult Result, Lsn ShutdownCheckpoint)> StopPrimaryAsync(CancellationToken ct)
    {
        // Opened now, while the primary stops: the wait for its shutdown checkpoint needs it at once.
        candidateOpening ??= ctx.Db.TryOpenAsync(plan.Candidate.Conninfo, ct);
        var reply = await agents.PostControlAsync(plan.Primary.AgentUrl!, "stop", new StopRequest(Checkpoint: true, Mode: "fast"),
            AgentJson.Context.StopRequest, ct, ctx.Options.ShutdownCheckTimeout + Slack);
        if (Failure(reply) is { } failure)
        {
            return (failure, Lsn.Invalid);
        }
        return Lsn.TryParse(reply.Body!.CheckpointLsn, out var checkpoint)
            ? (StepResult.Ok, checkpoint)
            : (StepResult.Fail("the agent did not report the shutdown checkpoint's location"), Lsn.Invalid);
    }

    public async Task<StepResult> WaitUntilCandidateReceivedAsync(Lsn lsn, CancellationToken ct)
    {
        if (await CandidateAsync(ct) is { Connection: null })
        {
            // Opened beside the stop and failed: tried once more now, where it used to be tried first.
            await ReconnectCandidateAsync(ct);
        }
        if (candidate is null)
        {
            return StepResult.Fail($"unable to connect to the candidate: {lastConnectError}");
        }
        // The shutdown checkpoint record starts at lsn; a receive position past it means the whole record,
        // and with it every commit the old primary acknowledged, is on the candidate.
        var received = await Waiting.UntilAsync(async token =>
        {
            try
            {
                if (candidate is null)
                {
                    await ReconnectCandidateAsync(token);
                    return false;
                }
                return await ReceivedAsync(candidate, token) > lsn;
            }
            catch (Exception e) when (e is NpgsqlException or ObjectDisposedException or InvalidOperationException && !token.IsCancellationRequested)
            {
                // The candidate ended this session (57P01 seen here, with the old primary already stopped): a
                // crash of the command now would leave the cluster without a primary. Connect again and go on.
                await ReconnectCandidateAsync(token);
                return false;
            }
        }, ctx.Options.WalReceiveCheckTimeout, ReceivePoll, ctx.Time, ct);
        return received
            ? StepResult.Ok
            : StepResult.Fail($"not received within {ctx.Options.WalReceiveCheckTimeout.TotalSeconds:0} seconds (wal_receive_check_timeout)");
    }

    public async Task<StepResult> PromoteCandidateAsync(CancellationToken ct)
    {
        var failure = Failure(await agents.PostControlAsync(plan.Candidate.AgentUrl!, "promote", ct, ctx.Options.PromoteCheckTimeout + Slack));
        promoted = failure is null;
        return failure ?? StepResult.Ok;
    }

    public async Task<StepResult> UpdateMetadataAsync(CancellationToken ct)
    {
        try
        {
            // The session from the wait, if it is still there: after the promotion its new transactions take writes.
            var store = new MetadataStore(await WritableCandidateAsync(ct));
            // The old primary is recorded as the candidate's standby now; rejoin marks it active once it streams.
            await store.UpsertNodeAsync(plan.Primary with { Type = NodeType.Standby, UpstreamNodeId = plan.Candidate.NodeId, Active = false }, ct);
            await store.UpsertNodeAsync(plan.Candidate with { Type = NodeType.Primary, UpstreamNodeId = null, Active = true }, ct);
            foreach (var witness in (await store.GetNodesAsync(ct)).Where(n => n.Type == NodeType.Witness))
            {
                await store.UpsertNodeAsync(witness with { UpstreamNodeId = plan.Candidate.NodeId }, ct);
            }
            return StepResult.Ok;
        }
        catch (NpgsqlException e)
        {
            return StepResult.Fail(e.Message);
        }
    }

    /// <summary>The old primary's agent rejoins it; waited for <c>standby_reconnect_timeout</c> (as repmgr's switchover
    /// waits for the demoted primary), which is at least the rejoin's own <c>node_rejoin_timeout</c> on that node.</summary>
    public async Task<StepResult> RejoinOldPrimaryAsync(NodeRecord primary, Lsn? receivedCheckpoint, CancellationToken ct) =>
        Failure(await agents.PostControlAsync(plan.Primary.AgentUrl!, "rejoin",
            new RejoinBody(primary.Conninfo, forceRewind, receivedCheckpoint is null ? null : primary.NodeId, receivedCheckpoint?.ToString()),
            AgentJson.Context.RejoinBody, ct, ctx.Options.StandbyReconnectTimeout + Slack)) ?? StepResult.Ok;

    public async Task<NodeRecord?> FindPrimaryAfterFailedPromotionAsync(CancellationToken ct)
    {
        // With automatic failover the standbys elect one of their own once the old primary is stopped: that takes an
        // election and a promotion. Without it nobody else promotes, so one look is enough.
        var wait = ctx.Options.Failover == Core.Config.FailoverMode.Automatic ? ElectionWait : TimeSpan.Zero;
        NodeRecord? found = null;
        await Waiting.UntilAsync(async token => (found = await FindWritableStandbyAsync(token)) is not null, wait, ElectionPoll, ctx.Time, ct);
        return found;
    }

    // The plan's standbys that take writes now; one, or none when there are none or several (then a person decides).
    public async Task<NodeRecord?> FindWritableStandbyAsync(CancellationToken ct)
    {
        var writable = (await ClusterObserver.ObserveAsync(ctx.Db, [plan.Candidate, .. plan.Siblings], ct))
            .Where(o => o.InRecovery == false).ToList();
        return writable.Count == 1 ? writable[0].Node : null;
    }

    public async Task<StepResult> FollowNewPrimaryAsync(NodeRecord sibling, CancellationToken ct) =>
        Failure(await agents.PostControlAsync(sibling.AgentUrl!, "follow", new FollowRequest(plan.Candidate.NodeId),
            AgentJson.Context.FollowRequest, ct, ctx.Options.StandbyFollowTimeout + Slack)) ?? StepResult.Ok;

    public async Task<StepResult> RestartOldPrimaryAsync(CancellationToken ct) =>
        Failure(await agents.PostControlAsync(plan.Primary.AgentUrl!, "start", ct, TimeSpan.FromSeconds(60) + Slack)) ?? StepResult.Ok;

    public async Task RecordAsync(string eventName, bool success, string details, CancellationToken ct)
    {
        var recorded = new ClusterEvent(plan.Candidate.NodeId, plan.Candidate.NodeName, eventName, success, details, Related: plan.Primary);
        // Record where the writes are: the new primary when it is one (the candidate, over the session the metadata's
        // update used), else the old primary if it runs again.
        if (promoted && candidate is not null)
        {
            try
            {
                await ctx.Events.RecordAsync(new MetadataStore(await WritableCandidateAsync(ct)), recorded, ct);
                return;
            }
            catch (NpgsqlException)
            {
                // The candidate's session and a new one failed: recorded as below, wherever the writes are.
            }
        }
        var (source, _) = await ClusterMetadata.ReadAsync(ctx, ct);
        await using var primary = source is null ? null : await ClusterMetadata.ConnectPrimaryAsync(ctx, source.Nodes, ct);
        await ctx.Events.RecordAsync(primary?.Store, recorded, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (candidateOpening is not null)
        {
            await CandidateAsync(CancellationToken.None);
        }
        if (candidate is not null)
        {
            await candidate.DisposeAsync();
            candidate = null;
        }
    }

    /// <summary>The connection to the candidate opened beside the stop (or now, if the stop was not asked); the error when
    /// it could not be opened.</summary>
    private async Task<ConnectResult> CandidateAsync(CancellationToken ct)
    {
        var opened = await (candidateOpening ??= ctx.Db.TryOpenAsync(plan.Candidate.Conninfo, ct));
        if (!candidateTaken)
        {
            // Taken once: after a reconnection the first connection is gone and must not come back.
            candidateTaken = true;
            candidate = opened.Connection;
            lastConnectError = opened.Error;
        }
        return opened;
    }

    /// <summary>A new connection to the candidate in place of the current one; null (and <see cref="lastConnectError"/>)
    /// when it could not be opened, to be tried again on the next look.</summary>
    private async Task ReconnectCandidateAsync(CancellationToken ct)
    {
        if (candidate is not null)
        {
            await candidate.DisposeAsync();
        }
        var attempt = await ctx.Db.TryOpenAsync(plan.Candidate.Conninfo, ct);
        candidate = attempt.Connection;
        lastConnectError = attempt.Error;
    }

    /// <summary>The candidate's session, or a new one when that one is gone (throws <see cref="NpgsqlException"/> when
    /// none opens). Why a check first: the promotion may have ended the session (a restart of the server).</summary>
    private async Task<NpgsqlConnection> WritableCandidateAsync(CancellationToken ct)
    {
        await CandidateAsync(ct);
        if (candidate is { State: System.Data.ConnectionState.Open })
        {
            try
            {
                await using var ping = new NpgsqlCommand("SELECT 1", candidate);
                await ping.ExecuteNonQueryAsync(ct);
                return candidate;
            }
            catch (NpgsqlException) when (!ct.IsCancellationRequested)
            {
                // Gone: a new one below.
            }
        }
        if (candidate is not null)
        {
            await candidate.DisposeAsync();
        }
        candidate = null;
        candidate = await ctx.Db.OpenAsync(plan.Candidate.Conninfo, ct);
        return candidate;
    }

    private static StepResult? Failure(AgentReply<ControlResponse> reply) => reply switch
    {
        { Reachable: false } => StepResult.Fail($"the agent did not answer: {reply.Error}"),
        { Body: { Ok: true } } => null,
        { StatusCode: 401 or 403 } => new StepResult(false, $"the agent refused the request ({reply.Body?.Error ?? reply.StatusCode.ToString()}): "
            + "every node's pgward.conf needs the cluster's agent_token", Refused: true),
        { Body: { } body } => StepResult.Fail(body.Error ?? $"the agent answered {reply.StatusCode}"),
        _ => StepResult.Fail($"the agent answered {reply.StatusCode}: {reply.Error}"),
    };

    private static async Task<Lsn> ReceivedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_last_wal_receive_lsn()::text", connection);
        return await cmd.ExecuteScalarAsync(ct) is string text && Lsn.TryParse(text, out var lsn) ? lsn : Lsn.Invalid;
    }
}
