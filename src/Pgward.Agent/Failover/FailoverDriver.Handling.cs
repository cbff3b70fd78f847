using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Failover;
using Pgward.Failover.Actions;
using Pgward.Failover.Messages;

namespace Pgward.Agent.Failover;

/// <summary>The loop's handling of one input, the decisions' dispatch, and bringing the server in line.</summary>
public sealed partial class FailoverDriver
{
    /// <summary>Every this many ticks a leader checks <c>synchronous_standby_names</c> (sync mode): about 1 s.</summary>
    private const int SyncCheckTicks = 10;

    // While the loop handles a message whose request carries the reply back: its sender, and where the reply goes.
    private (int From, InlineReply Reply)? replying;

    private void Handle(FailoverInput input)
    {
        var now = ctx.Time.GetUtcNow();
        var decider = node!;
        var statusBefore = Status;
        switch (input)
        {
            case FailoverInput.Tick:
                Dispatch(decider.Tick(now, Local(now)));
                if (!leaving)
                {
                    Reconcile(decider.Status);
                }
                break;
            case FailoverInput.Message { Reply: { } reply } message:
                try
                {
                    replying = (message.From, reply);
                    Dispatch(decider.Receive(message.From, message.Body, now));
                }
                finally
                {
                    replying = null;
                    reply.Close();
                }
                break;
            case FailoverInput.Message message:
                Dispatch(decider.Receive(message.From, message.Body, now));
                break;
            case FailoverInput.PromoteRequest request when leaving:
                request.Done.TrySetResult(Outcome.Fail(ExitCodes.AgentUnavailable, "the agent is stopping"));
                break;
            case FailoverInput.PromoteRequest request when operatorRequest is not null:
                request.Done.TrySetResult(Outcome.Fail(ExitCodes.PromotionFailed, "another promotion request is in progress"));
                break;
            case FailoverInput.PromoteRequest request:
                operatorRequest = request.Done;
                Dispatch(decider.RequestPromotion(now));
                break;
            case FailoverInput.Release release:
                Dispatch(decider.Release(now, release.ElectNow));
                break;
        }
        Status = decider.Status;
        if (Disturbs(input, statusBefore, Status))
        {
            DisturbTicks();
        }
        else if (input is FailoverInput.Tick)
        {
            PaceTicks(decider, now);
        }
        Counts.Handled(statusBefore, Status, input is FailoverInput.Message { Body: Heartbeat }, now);
        // The commit lease confirms nothing while no switch is registered: were the agent to stop now, nothing would stop
        // the server at the lease's end.
        var allowedUntil = deadMan is { Registered: false } ? DateTimeOffset.MinValue : decider.CommitsAllowedUntil;
        var before = new DateTimeOffset(Interlocked.Exchange(ref commitsAllowedUntil, allowedUntil.UtcTicks), TimeSpan.Zero);
        if (CommitLeaseWake.Needed(leaseWasOpen, before, allowedUntil, now))
        {
            leaseWake.Set();
        }
        leaseWasOpen = now < allowedUntil;
        PublishDeadline(decider, now);
    }

    /// <summary>
    /// Tells the dead-man switch until when the local server may take writes: armed while this node leads unfenced,
    /// or while its server was last seen writable (a writable server that may not take writes then has a past deadline
    /// and is stopped at once, whether or not this agent lives to fence it). Not while the agent's own fence restarts
    /// the server read-only, nor on a sighting older than that restart.
    /// </summary>
    private void PublishDeadline(FailoverNode decider, DateTimeOffset now)
    {
        if (deadMan is null)
        {
            return;
        }
        var current = seen;
        // For whichever postmaster runs only while the lease holds: once it lapsed, only the server seen writable (by
        // its PID) is stopped, not one the agent has since started again read-only.
        if (Status is { IsLeader: true, Fenced: false } && decider.CommitsAllowedUntil > now)
        {
            if (deadMan.Publish(armed: true, decider.CommitsAllowedUntil, now))
            {
                Counts.LateRenewal();
            }
            return;
        }
        var writable = current.Writable && !fencing && current.At > new DateTimeOffset(Interlocked.Read(ref restartedAt), TimeSpan.Zero);
        deadMan.Publish(writable, decider.CommitsAllowedUntil, now, current.PostmasterPid ?? 0);
    }

    private LocalStatus Local(DateTimeOffset now)
    {
        var current = seen;
        if (Volatile.Read(ref promotingTerm) != 0)
        {
            // Being promoted: it is the primary now, for the decisions (else it would stand for election again).
            return new LocalStatus(true, true, current.Timeline, current.Lsn.Value, current.Lsn.Value);
        }
        if (now - current.At > StaleProbe)
        {
            return lastRunning with { IsRunning = false };
        }
        var sync = setup!.Options.ReplicationMode == ReplicationMode.Sync
            ? ((IReadOnlyCollection<string>)SyncStandbys.Names(setup.Voters, ctx.Options.NodeId), setup.SyncStandbyCount)
            : ((IReadOnlyCollection<string>, int)?)null;
        var mapped = LocalStatusMapper.Map(current, setup.Voters, sync) with { Fenceable = deadMan?.Fenceable() ?? true };
        if (mapped is { IsRunning: true, IsPrimary: false })
        {
            // Looked at every time, not kept: a look kept for a second told a server restored and started within that
            // second for the standby it had been, and the agent pointed it at the primary (RestoredNodeTests).
            mapped = mapped with { Restoring = guard.Restoring };
        }
        if (mapped.IsRunning)
        {
            lastRunning = mapped;
            return mapped;
        }
        // Down (a crash, the fence's restart, a rejoin): the WAL is still on its disk, and the node judges candidates
        // with the last state it saw, not as a node that holds nothing. mixed:sync seed 514: an old primary whose fence
        // restart took 3 s voted, as a node without data, for a standby that lacked 100 commits it had acknowledged.
        return lastRunning with { IsRunning = false };
    }

    private void Dispatch(IReadOnlyList<FailoverAction> actions)
    {
        foreach (var action in actions)
        {
            if (leaving && action is not (Send or DetachThenSend))
            {
                continue; // a stopping agent answers the others and starts nothing
            }
            switch (action)
            {
                case Send { Message: HeartbeatReply } send when replying is { } r && r.From == send.To && r.Reply.TryCarry(send.Message):
                    break; // in the response to the request that brought the heartbeat
                case Send send:
                    transport!.Send(send.To, send.Message);
                    break;
                case DetachThenSend detach:
                    // Off the loop: heartbeats and other messages go on while the receiver stops. Kept, and awaited
                    // before the transport it sends through is gone.
                    detaching.RemoveAll(t => t.IsCompleted);
                    detaching.Add(DetachThenSendAsync(detach));
                    break;
                case Promote promote:
                    Volatile.Write(ref promotingTerm, promote.Term);
                    var (onRequest, requestedAt) = (operatorRequest is not null, ctx.Time.GetUtcNow());
                    var queued = Run(async ct =>
                    {
                        var outcome = Outcome.Fail(ExitCodes.PromotionFailed, "the promotion did not finish");
                        try
                        {
                            outcome = await actuator!.PromoteAsync(promote.Term, WantedSyncStandbys(), Finish, ct);
                            if (outcome.Succeeded)
                            {
                                Counts.Promoted(onRequest, requestedAt, ctx.Time.GetUtcNow());
                            }
                        }
                        finally
                        {
                            Finish(outcome);
                            // The loop reconciles again once this is reset, on the last look: one taken before the
                            // promotion shows a deposed primary's server still under its guard, and the loop would
                            // "unfence" (restart) the server it just promoted.
                            try
                            {
                                await LookAfterNowAsync(ct);
                            }
                            catch (OperationCanceledException)
                            {
                                // Stopping: nothing reconciles any more.
                            }
                            Volatile.Write(ref promotingTerm, 0);
                        }
                    }, "promotion");
                    if (!queued)
                    {
                        Volatile.Write(ref promotingTerm, 0);
                        Finish(Outcome.Fail(ExitCodes.PromotionFailed, "the promotion could not be queued"));
                    }
                    break;
                case Follow follow:
                    var target = setup!.Voters.FirstOrDefault(v => v.NodeId == follow.PrimaryId);
                    // A request repeated while an earlier follow ran is dropped once the server streams from it.
                    Run(ct => seen is { Streaming: true } now && LocalStatusMapper.UpstreamOf(now.PrimaryConninfo, setup.Voters) == follow.PrimaryId
                        ? Task.CompletedTask
                        : actuator!.FollowAsync(follow.PrimaryId, target, follow.Reason, ct), "follow");
                    break;
                case Rejoin rejoin when setup!.Voters.FirstOrDefault(v => v.NodeId == rejoin.PrimaryId) is { } primary:
                    // A rejoin of an earlier primary may still wait between its attempts (it ends at its next one):
                    // both are awaited when the loops end.
                    var next = RejoinAsync(primary, rejoin.Term, running);
                    rejoining = rejoining.IsCompleted ? next : Task.WhenAll(rejoining, next);
                    break;
                case Fence fence:
                    lastFenceReason = fence.Reason;
                    break;
                case Refused refused:
                    FailoverLog.Refused(logger, refused.Reason);
                    Finish(Outcome.Fail(ExitCodes.PromotionFailed, refused.Reason));
                    actuator!.RecordRefusal(refused.Reason);
                    break;
            }
        }
    }

    /// <summary>Sends a granted vote once the local WAL receiver is stopped (within half an election round), or a
    /// refusal when the receiver had got further than the candidate; a server that is down receives nothing, so
    /// its vote goes at once.</summary>
    private async Task DetachThenSendAsync(DetachThenSend detach)
    {
        (Lsn? Received, int Timeline, string? Problem) detached;
        try
        {
            detached = seen.Running ? await UpstreamDetach.RunAsync(ctx, setup!.Options.ElectionTimeout / 2, running) : (null, 0, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing awaits this task: an exception must be logged here, or the vote would vanish unexplained.
            detached = (null, 0, e.Message);
        }
        if (detached.Problem is { } problem)
        {
            FailoverLog.Failed(logger, "stopping the WAL receiver before a vote", problem + "; the vote is not sent");
            return;
        }
        if (detached.Received is { } received && detach.RefusalAfterDetach(ctx.Options.NodeId, detached.Timeline, received.Value) is { } why)
        {
            transport!.Send(detach.To, detach.Reply with { Granted = false, Reason = why });
            return;
        }
        transport!.Send(detach.To, detach.Reply);
    }

    /// <summary>Waits for the detaches still running (each ends within half an election round once the loop's token is
    /// cancelled); their faults are logged where they happen.</summary>
    private async Task DetachesEndedAsync()
    {
        try
        {
            await Task.WhenAll(detaching);
        }
        catch (OperationCanceledException)
        {
            // Cancelled with the loop: a vote not sent, which the protocol allows.
        }
        detaching.Clear();
    }

    /// <summary>
    /// Rejoins the new primary, trying again a few times (<see cref="RejoinRetry"/>). Each attempt waits its turn on the
    /// executor, as every action on the server does; the waits between attempts do not, so that a promotion this node
    /// wins meanwhile (a switchover back to it) goes at once instead of 5 s later. An attempt finds nothing to do, and the
    /// retries end, once the decisions name another primary in a later term than <paramref name="term"/>, or once the
    /// server already streams from this one (a switchover rejoined it itself): a late attempt would stop a standby that
    /// works.
    /// </summary>
    private async Task RejoinAsync(NodeRecord primary, long term, CancellationToken ct)
    {
        try
        {
            await RejoinRetry.RunAsync(token => RejoinAttemptAsync(primary, term, token), ctx.Time, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One attempt of <see cref="RejoinAsync"/> on the executor: whether the node follows the primary after it
    /// (false when the executor's queue was full).</summary>
    private Task<bool> RejoinAttemptAsync(NodeRecord primary, long term, CancellationToken ct)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = Run(async token =>
        {
            try
            {
                done.TrySetResult(!RejoinWanted(primary.NodeId, term) || (await actuator!.RejoinAsync(primary, token)).Succeeded);
            }
            finally
            {
                done.TrySetResult(false); // it threw (the executor logs it) or was cancelled
            }
        }, "rejoin");
        return queued ? done.Task.WaitAsync(ct) : Task.FromResult(false);
    }

    /// <summary>Whether an automatic rejoin of <paramref name="primaryId"/>, decided in <paramref name="term"/>, still has
    /// something to do: the decisions name no other primary of a later term, and the server does not already stream from
    /// it. By the term, not by the primary the decisions name now: the first attempt may run before the loop has
    /// published the status of the decision that asked for it, which still names the node itself (PartitionTests: an old
    /// primary never rejoined).</summary>
    private bool RejoinWanted(int primaryId, long term) =>
        !(Status is { } status && status.Term > term && status.PrimaryId != primaryId)
        && !(seen is { Running: true, InRecovery: true, Guarded: false, Streaming: true } current
             && LocalStatusMapper.UpstreamOf(current.PrimaryConninfo, setup!.Voters) == primaryId);

    private void Finish(Outcome outcome) => Interlocked.Exchange(ref operatorRequest, null)?.TrySetResult(outcome);

    /// <summary>Makes the server match the decision; each correction is queued once until it finishes.</summary>
    private void Reconcile(FailoverStatus status)
    {
        if (setup!.Profile.IsWitness || Volatile.Read(ref promotingTerm) != 0)
        {
            return;
        }
        var current = seen;
        // The dead-man switch stopped the server while this agent did not renew the lease (frozen, or slow): start it
        // again read-only, as the agent's own fence does.
        var switchStopped = deadMan is { StoppedServer: true } && !current.Running && guard.IsSet;
        if ((status.Fenced && current.Writable || switchStopped) && !fencing)
        {
            fencing = true;
            var reason = switchStopped ? "the dead-man switch stopped the server when the lease lapsed" : lastFenceReason;
            var queued = Run(async ct =>
            {
                try
                {
                    if ((await actuator!.FenceAsync(reason, ct)).Succeeded)
                    {
                        // Started again read-only: whatever the switch stopped before is dealt with.
                        deadMan?.ServerRestarted();
                    }
                }
                finally
                {
                    Interlocked.Exchange(ref restartedAt, ctx.Time.GetUtcNow().UtcTicks);
                    fencing = false;
                }
            }, "fence");
            if (!queued)
            {
                fencing = false; // the next tick tries again (the flag would otherwise hold it back for good)
            }
        }
        else if (!status.Fenced && status.IsLeader && current.Guarded && !unfencing)
        {
            unfencing = true;
            var unfencingQueued = Run(async ct =>
            {
                try
                {
                    await actuator!.UnfenceAsync(status.Term, ct);
                }
                finally
                {
                    unfencing = false;
                }
            }, "unfence");
            if (!unfencingQueued)
            {
                unfencing = false;
            }
        }
        else if (!status.Fenced && status.IsLeader && current.Writable && Volatile.Read(ref recordedTerm) != status.Term && !recording)
        {
            // Once per term it leads: the records name it the primary and the guard is in place.
            recording = true;
            var term = status.Term;
            var recordingQueued = Run(async ct =>
            {
                try
                {
                    if ((await actuator!.RecordLeadershipAsync(term, ct)).Succeeded)
                    {
                        Volatile.Write(ref recordedTerm, term);
                    }
                }
                finally
                {
                    recording = false;
                }
            }, "recording the leadership");
            if (!recordingQueued)
            {
                recording = false;
            }
        }

        // Not part of the chain above: a record write that keeps failing (and is queued again every tick) must not hold
        // back the sync-mode setting, which protects commits.
        if (!status.Fenced && status.IsLeader && current.Writable && setup.Options.ReplicationMode == ReplicationMode.Sync
            && !syncing)
        {
            // At once when it differs (a new leader's commits must wait for a standby from the first), and the probe
            // shows the effect within a tick, so it is not queued twice.
            var wanted = WantedSyncStandbys()!;
            if (current.SynchronousStandbyNames != wanted && ++ticks % SyncCheckTicks == 1)
            {
                syncing = true;
                var syncingQueued = Run(async ct =>
                {
                    try
                    {
                        await SyncStandbys.EnsureAsync(ctx.Db, ctx.Options.Conninfo, current.SynchronousStandbyNames, wanted, ct);
                    }
                    finally
                    {
                        syncing = false;
                    }
                }, "setting synchronous_standby_names");
                if (!syncingQueued)
                {
                    syncing = false;
                }
            }
        }
    }

    /// <summary>This node's <c>synchronous_standby_names</c> as a primary in sync mode; null in async mode.</summary>
    private string? WantedSyncStandbys() => setup!.Options.ReplicationMode == ReplicationMode.Sync
        ? SyncStandbys.Setting(SyncStandbys.Names(setup.Voters, ctx.Options.NodeId), setup.SyncStandbyCount)
        : null;
}
