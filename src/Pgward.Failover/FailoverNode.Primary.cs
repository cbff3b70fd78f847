using Pgward.Failover.Actions;
using Pgward.Failover.Messages;

namespace Pgward.Failover;

/// <summary>The primary's side: lease renewal, fencing, and stepping down when a newer primary exists.</summary>
public sealed partial class FailoverNode
{
    private readonly PrimaryLease lease = new();
    private long? leaderTerm;
    private bool fenced = true;
    private bool superseded;
    private DateTimeOffset lastHeartbeatSent = DateTimeOffset.MinValue;
    private int? rejoinRequested;
    private DateTimeOffset graceUntil = DateTimeOffset.MinValue;
    // Writable with no lease behind it until a majority first acknowledges it (AssumeUnguarded).
    private bool unguarded;

    /// <summary>Where an operator learns why a node has no dead-man switch (<see cref="LocalStatus.Fenceable"/>).</summary>
    private const string SwitchLogHint = "see pgward-deadman.log beside pgward.conf";

    // Set while the leader has no dead-man switch (LocalStatus.Fenceable false): its lease was given up once.
    private bool unfenceableReleased;

    // Set by Release until the host reports the server down: a heartbeat sent after the release on a stale view of
    // the server would renew the voters' leases and hold the successor up for a whole lease.
    private bool released;

    /// <summary>
    /// Until when, on this node's clock, the local primary may acknowledge commits: the instant its lease lapses, not
    /// the next tick. The host's commit lease (<c>commit_lease</c>) acknowledges WAL to PostgreSQL only before this,
    /// so that a primary that resumes after a freeze, or whose agent stalls, holds its commits back from the first
    /// instant, before the agent has looked at anything. <see cref="DateTimeOffset.MinValue"/> when this node is not
    /// an unfenced leader.
    /// </summary>
    public DateTimeOffset CommitsAllowedUntil
    {
        get
        {
            if (self.IsWitness || leaderTerm is null || superseded || released || fenced)
            {
                return DateTimeOffset.MinValue;
            }

            if (options.UnsafeFaults.HasFlag(SafetyFaults.NoFencing) || unguarded)
            {
                return DateTimeOffset.MaxValue;
            }

            var until = lease.MajorityUntil(options.FenceTimeout, majority);
            return until > graceUntil ? until : graceUntil;
        }
    }

    /// <summary>
    /// The host found the local primary already taking writes when the agent started (the agent restarted, the
    /// server did not): treat it as unfenced and give it one fence timeout to be acknowledged by a majority before
    /// fencing it, instead of interrupting a healthy primary at every agent restart. While the agent was down
    /// nothing fenced it anyway; a primary that is not the leader of the current term is fenced at once.
    /// </summary>
    /// <param name="previousDeadline">The deadline the agent before this one last gave the dead-man switch, when it armed
    /// it: the grace never goes past it, or an agent restarted while the primary was cut off would let it take writes
    /// beyond the voters' promises (simulation, <c>Primary_whose_agent_is_restarted_while_it_is_cut_off...</c>).</param>
    public void AssumeWritable(DateTimeOffset now, DateTimeOffset? previousDeadline = null)
    {
        fenced = false;
        graceUntil = now + options.FenceTimeout;
        if (previousDeadline is { } deadline && deadline < graceUntil)
        {
            graceUntil = deadline;
        }
    }

    /// <summary>
    /// The host found the local primary taking writes with no lease behind it: no agent guarded it before (its agents
    /// were just turned on, or the one before this detached while the cluster was paused). It stays writable, as it was,
    /// until a majority first acknowledges it, and is guarded from then on. Safe because no voter elects anyone before it
    /// has heard a primary (<see cref="VotePolicy"/>, "not heard yet"), and a standby does not stand while it streams.
    /// </summary>
    public void AssumeUnguarded()
    {
        fenced = false;
        unguarded = true;
    }

    /// <summary>
    /// The local primary was stopped cleanly for a switchover: give up the lease so that voters may elect the
    /// successor at once. The node stays the leader of its term, so if the server is started again before anyone
    /// wins, a majority's acknowledgement lifts its fence as after any restart.
    /// </summary>
    /// <param name="electNow">The agent is stopping and hands the role over: the standbys stand at once.</param>
    public IReadOnlyList<FailoverAction> Release(DateTimeOffset now, bool electNow = false)
    {
        var actions = new List<FailoverAction>();
        if (leaderTerm is long term && !superseded)
        {
            released = true;
            fenced = true;
            GiveUpLease(term, now, electNow, actions);
        }

        return actions;
    }

    private void PrimaryTick(DateTimeOffset now, List<FailoverAction> actions)
    {
        if (leaderTerm is null && !superseded && voter.PrimaryId == self.Id)
        {
            // A restarted primary: the store says it leads the current term. It starts fenced and unfences
            // only once a majority acknowledges it in that same term.
            leaderTerm = voter.CurrentTerm;
        }

        if (released)
        {
            return;
        }

        if (leaderTerm is null || superseded)
        {
            FenceOnce($"node {self.Id} is not the primary of term {voter.CurrentTerm}", actions);
            if (voter.PrimaryId is int newer && newer != self.Id)
            {
                RequestRejoin(newer, actions);
            }

            return;
        }

        if (!local.Fenceable)
        {
            StepAsideUnfenceable(leaderTerm.Value, now, actions);
            return;
        }
        unfenceableReleased = false;

        if (now - lastHeartbeatSent >= options.HeartbeatInterval - HeartbeatEarly)
        {
            SendHeartbeats(now, local.Timeline, actions);
        }

        lease.Acknowledged(self.Id, now);
        if (unguarded && lease.HoldsMajority(now, options.FenceTimeout, majority))
        {
            unguarded = false;
        }
        if (LeaseHolds(now))
        {
            if (fenced)
            {
                fenced = false;
                actions.Add(new Unfence(leaderTerm.Value));
            }
        }
        else
        {
            // At the lease's end, the instant the dead-man switch stops the server if the agent cannot: no commit of
            // any kind (synchronous_commit = local included) may be acknowledged beyond it.
            FenceOnce($"no majority of voters acknowledged node {self.Id} within {options.FenceTimeout.TotalMilliseconds:0} ms", actions);
        }
    }

    /// <summary>
    /// A leader whose host runs no dead-man switch: fenced, and its lease given up once with an election at once, so
    /// that a standby whose switch runs takes over (as Patroni's leader does not keep its lock when a required watchdog
    /// cannot be activated). It sends no heartbeat meanwhile. If the switch runs again before anyone wins, heartbeats
    /// resume, and a majority's acknowledgement lifts the fence as after any restart.
    /// </summary>
    private void StepAsideUnfenceable(long term, DateTimeOffset now, List<FailoverAction> actions)
    {
        FenceOnce($"node {self.Id} has no dead-man switch running: if its agent stopped, nothing would stop its server "
            + $"when the lease lapsed ({SwitchLogHint})", actions);
        // Nothing but acknowledgements sent after the release lifts the fence: not a start's grace, not "unguarded".
        unguarded = false;
        graceUntil = DateTimeOffset.MinValue;
        if (unfenceableReleased)
        {
            return;
        }
        unfenceableReleased = true;
        lastHeartbeatSent = DateTimeOffset.MinValue; // the first tick with a switch again sends at once
        GiveUpLease(term, now, electNow: true, actions);
    }

    /// <summary>Tells every voter that this primary's lease ends now, and counts no acknowledgement of what it sent
    /// before.</summary>
    private void GiveUpLease(long term, DateTimeOffset now, bool electNow, List<FailoverAction> actions)
    {
        lease.Release(now);
        leaseUntil = now;
        var release = new LeaseRelease(term, self.Id, now, electNow);
        actions.AddRange(Others.Select(id => new Send(id, release)));
    }

    /// <summary>How much earlier than <see cref="FailoverOptions.HeartbeatInterval"/> after the last heartbeat a tick
    /// still sends the next: a quarter of a tick interval (25 ms). A host that ticks a steady leader once per heartbeat
    /// (<see cref="NextTickWithin"/>) looks at its server before each tick, and a look a little quicker than the one
    /// before brings the tick that much earlier: it must not skip its heartbeat for that. With ticks at every interval
    /// it changes nothing (250 ms: the first tick after 225 ms is the one after 250 ms).</summary>
    private TimeSpan HeartbeatEarly => options.TickInterval / 4;

    /// <summary>
    /// How long the host may wait before it ticks this node next, from <paramref name="now"/>: the tick interval, except
    /// for a leader whose only decision that time can bring before its next heartbeat is that heartbeat. Such a leader
    /// leads unfenced and guarded by its lease (not <see cref="AssumeUnguarded"/>), on a running primary with a dead-man
    /// switch, and its lease holds for at least that wait and a tick interval more; it is ticked at the ticks it would
    /// send heartbeats on anyway (<see cref="LeaderTickEvery"/>: 300 ms at the default timings). So its heartbeats go as
    /// often as with a tick at every interval; and should the acknowledgements stop, the lease's end comes within a
    /// wait and a tick interval, from then on it is ticked at every interval, and its fence comes within a tick interval
    /// of the lease's end, as before. Called after a tick; the host may always tick sooner.
    /// </summary>
    public TimeSpan NextTickWithin(DateTimeOffset now) =>
        // CommitsAllowedUntil is long past unless this node leads unfenced and unreleased; unguarded, it never ends.
        !unguarded && local is { IsRunning: true, IsPrimary: true, Guarded: false, Fenceable: true }
        && CommitsAllowedUntil - now >= LeaderTickEvery + options.TickInterval
            ? LeaderTickEvery
            : options.TickInterval;

    /// <summary>How often a steady leader is ticked (<see cref="NextTickWithin"/>): the whole number of tick intervals
    /// after which ticks at every interval would send its next heartbeat, 3 × 100 ms for heartbeats every 250 ms.</summary>
    private TimeSpan LeaderTickEvery =>
        options.TickInterval * Math.Ceiling((options.HeartbeatInterval - HeartbeatEarly) / options.TickInterval);

    private bool LeaseHolds(DateTimeOffset now) =>
        unguarded || lease.HoldsMajority(now, options.FenceTimeout, majority) || now < graceUntil
        || options.UnsafeFaults.HasFlag(SafetyFaults.NoFencing);

    /// <summary>
    /// A leader whose server is not running as a primary (stopped by the dead-man switch, crashed, being restarted)
    /// still loses its lease on time: it counts as fenced from then on, so that its agent does not make a restarted
    /// server the primary again (an unfence) before a majority acknowledges it anew.
    /// </summary>
    private void LapseWhileDown(DateTimeOffset now)
    {
        if (leaderTerm is not null && !superseded && !fenced && !LeaseHolds(now))
        {
            fenced = true;
        }
    }

    private void SendHeartbeats(DateTimeOffset now, int timeline, List<FailoverAction> actions)
    {
        lastHeartbeatSent = now;
        leaseUntil = now + options.LeaseDuration;
        var heartbeat = new Heartbeat(leaderTerm!.Value, self.Id, timeline, local.Lsn, local.AckedLsn, now);
        actions.AddRange(Others.Select(id => new Send(id, heartbeat)));
    }

    private void OnHeartbeatReply(int from, HeartbeatReply reply, List<FailoverAction> actions)
    {
        if (leaderTerm is not long term)
        {
            return;
        }

        if (reply.Accepted && reply.Term == term)
        {
            lease.Acknowledged(from, reply.SentAt);
        }
        else if (!reply.Accepted && reply.Term > term)
        {
            StepDown(reply.Term, null, actions);
        }
    }

    /// <summary>A newer term exists: this primary stays fenced for good and rejoins once it knows the new primary.</summary>
    private void StepDown(long term, int? primaryId, List<FailoverAction> actions)
    {
        superseded = true;
        if (term > voter.CurrentTerm)
        {
            Save(new VoterState(term, null, primaryId));
        }

        if (local.IsRunning && local.IsPrimary)
        {
            FenceOnce($"node {self.Id} was superseded in term {term}", actions);
            if (primaryId is int id)
            {
                RequestRejoin(id, actions);
            }
        }
        else
        {
            // The server is a standby or stopped (after a switchover): nothing to fence; from now on this node
            // follows the new primary like any standby.
            leaderTerm = null;
            superseded = false;
            lease.Clear();
        }
    }

    private void FenceOnce(string reason, List<FailoverAction> actions)
    {
        if (!fenced)
        {
            fenced = true;
            actions.Add(new Fence(reason));
        }
    }

    private void RequestRejoin(int primaryId, List<FailoverAction> actions)
    {
        if (rejoinRequested == primaryId || store.IsPaused)
        {
            return;
        }

        rejoinRequested = primaryId;
        if (options.AutoRejoin)
        {
            actions.Add(new Rejoin(primaryId, voter.CurrentTerm));
            leaderTerm = null;
            superseded = false;
            lease.Clear();
        }
        else
        {
            Report($"node {self.Id} is an old primary, kept fenced; auto_rejoin is off: run pgward node rejoin", actions);
        }
    }
}
