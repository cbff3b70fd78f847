using Pgward.Failover.Actions;
using Pgward.Failover.Messages;

namespace Pgward.Failover;

/// <summary>The voter's side, which every agent plays: acknowledging heartbeats and granting votes.</summary>
public sealed partial class FailoverNode
{
    /// <summary>How long a standby waits for a requested follow to show before asking for it again.</summary>
    public static readonly TimeSpan FollowRetryInterval = TimeSpan.FromSeconds(5);

    private int? followRequested;
    private DateTimeOffset followRequestedAt;
    private bool heardSinceStart;
    private DateTimeOffset lastAcknowledgedSentAt = DateTimeOffset.MinValue;

    private void OnHeartbeat(int from, Heartbeat heartbeat, DateTimeOffset now, List<FailoverAction> actions)
    {
        if (heartbeat.Term < voter.CurrentTerm || heartbeat.PrimaryId == self.Id)
        {
            actions.Add(new Send(from, new HeartbeatReply(voter.CurrentTerm, Accepted: false, heartbeat.SentAt)));
            return;
        }

        var votedFor = heartbeat.Term == voter.CurrentTerm ? voter.VotedFor : null;
        Save(new VoterState(heartbeat.Term, votedFor, heartbeat.PrimaryId));
        lastHeard = now;
        leaseUntil = now + options.LeaseDuration;
        knownTimeline = Math.Max(knownTimeline, heartbeat.Timeline);
        knownPrimaryLsn = heartbeat.PrimaryLsn;
        knownAckedLsn = Math.Max(knownAckedLsn, heartbeat.AckedLsn);
        lastAcknowledgedSentAt = heartbeat.SentAt;
        heardSinceStart = true;
        lastRefusal = null;
        if (manualPending || election is { Manual: true })
        {
            actions.Add(new Refused($"node {self.Id} not promoted: node {heartbeat.PrimaryId} is the primary of term {heartbeat.Term} and answers"));
        }

        election = null;
        manualPending = false;
        actions.Add(new Send(from, new HeartbeatReply(heartbeat.Term, Accepted: true, heartbeat.SentAt)));

        if (leaderTerm is long mine && mine < heartbeat.Term)
        {
            StepDown(heartbeat.Term, heartbeat.PrimaryId, actions);
        }
        else if (!self.IsWitness && local.IsRunning && local.IsPrimary)
        {
            FenceOnce($"node {heartbeat.PrimaryId} is the primary of term {heartbeat.Term}", actions);
            RequestRejoin(heartbeat.PrimaryId, actions);
        }
        else if (!self.IsWitness && local.IsRunning && !local.Restoring && local.UpstreamId != heartbeat.PrimaryId
            && (followRequested != heartbeat.PrimaryId || now - followRequestedAt >= FollowRetryInterval) && !store.IsPaused
            && UpstreamFailure(now) is { } reason)
        {
            // Asked again while the server still follows another upstream: a follow that failed (the new primary
            // was still starting, a connection broke) must not leave this standby behind for good.
            followRequested = heartbeat.PrimaryId;
            followRequestedAt = now;
            actions.Add(new Follow(heartbeat.PrimaryId, heartbeat.Term, reason));
        }
    }

    private void OnLeaseRelease(int from, LeaseRelease release, DateTimeOffset now)
    {
        // Only the primary this voter follows can release its own lease, and only with a release sent after the
        // newest heartbeat acknowledged here (same clock, the primary's), so a late one cannot undo a newer lease.
        if (from == release.PrimaryId && release.Term == voter.CurrentTerm && voter.PrimaryId == from
            && release.SentAt > lastAcknowledgedSentAt)
        {
            leaseUntil = now;
            if (release.ElectNow)
            {
                // The primary is stopped cleanly and its agent is leaving: nothing more will come from it.
                lastHeard = now - options.FailoverTimeout;
            }
        }
    }

    private void OnVoteRequest(int from, VoteRequest request, DateTimeOffset now, List<FailoverAction> actions)
    {
        var refusal = VotePolicy.Refusal(request, Knowledge(now), options);
        var cascade = KeepsCascade(now);
        if (refusal is null && !request.PreVote)
        {
            // Saved before the reply leaves: a voter that forgot its vote could vote twice in this term.
            Save(new VoterState(request.Term, request.Candidate.Id, null));
            lastHeard = now;
            leaseUntil = now + options.LeaseDuration;
            election = null;
        }

        var reply = new VoteReply(request.Term, request.PreVote, request.Round, refusal is null, refusal, voter.CurrentTerm);
        actions.Add(refusal is null && !request.PreVote && !self.IsWitness && !cascade
            ? new DetachThenSend(from, reply, request.Candidate, VotePolicy.JudgesData(self, local, options))
            : new Send(from, reply));
    }
}
