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

    private void PrimaryTick(DateTimeOffset now, List<FailoverAction> actions)
    {
        if (leaderTerm is null && !superseded && voter.PrimaryId == self.Id)
        {
            // A restarted primary: the store says it leads the current term. It starts fenced and unfences
            // only once a majority acknowledges it in that same term.
            leaderTerm = voter.CurrentTerm;
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

        if (now - lastHeartbeatSent >= options.HeartbeatInterval)
        {
            SendHeartbeats(now, local.Timeline, actions);
        }

        lease.Acknowledged(self.Id, now);
        var holds = lease.HoldsMajority(now, options.FenceTimeout, majority);
        if (!holds)
        {
            FenceOnce($"no majority of voters acknowledged node {self.Id} within {options.FenceTimeout.TotalMilliseconds:0} ms", actions);
        }
        else if (fenced)
        {
            fenced = false;
            actions.Add(new Unfence(leaderTerm.Value));
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
