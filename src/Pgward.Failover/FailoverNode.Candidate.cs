using Pgward.Failover.Actions;
using Pgward.Failover.Messages;

namespace Pgward.Failover;

/// <summary>The candidate's side: detecting a failed primary, pre-vote, vote, promotion.</summary>
public sealed partial class FailoverNode
{
    private ElectionRound? election;
    private int round;
    private DateTimeOffset backoffUntil = DateTimeOffset.MinValue;

    private void StandbyTick(DateTimeOffset now, List<FailoverAction> actions)
    {
        if (store.IsPaused)
        {
            election = null;
            return;
        }

        if (election is not null)
        {
            if (now >= election.Deadline)
            {
                LoseRound(now, actions);
            }
            else
            {
                Progress(now, actions);
            }

            return;
        }

        if (!self.CanStand || !local.IsRunning || now < backoffUntil
            || now - lastHeard < options.FailoverTimeout || now < leaseUntil)
        {
            return;
        }

        var candidacy = new Candidacy(self.Id, local.Timeline, local.Lsn, self.Priority);
        if (VotePolicy.DataRefusal(candidacy, Knowledge(now), options) is string refusal)
        {
            Report($"node {self.Id} cannot stand: {refusal}", actions);
            backoffUntil = now + options.FailoverTimeout;
            return;
        }

        StartRound(ElectionPhase.PreVote, voter.CurrentTerm + 1, now, actions);
    }

    private void StartRound(ElectionPhase phase, long term, DateTimeOffset now, List<FailoverAction> actions)
    {
        if (phase == ElectionPhase.Vote)
        {
            Save(new VoterState(term, self.Id, null));
        }

        election = new ElectionRound(phase, term, ++round, now, now + options.ElectionTimeout);
        election.Granted.Add(self.Id);
        var candidacy = new Candidacy(self.Id, local.Timeline, local.Lsn, self.Priority);
        var request = new VoteRequest(term, phase == ElectionPhase.PreVote, round, candidacy);
        actions.AddRange(Others.Select(id => new Send(id, request)));
        Progress(now, actions);
    }

    private void OnVoteReply(int from, VoteReply reply, DateTimeOffset now, List<FailoverAction> actions)
    {
        if (election is null || reply.Round != election.Round || reply.Term != election.Term
            || reply.PreVote != (election.Phase == ElectionPhase.PreVote))
        {
            return;
        }

        if (reply.Granted)
        {
            election.Granted.Add(from);
        }
        else if (election.Refused.Add(from))
        {
            election.Reasons.Add(reply.Reason ?? $"node {from} refused");
            if (VotePolicy.IsPrecedence(reply.Reason))
            {
                // A better candidate is alive and will stand: defer to it rather than split the vote.
                LoseRound(now, actions);
                return;
            }
        }

        Progress(now, actions);
    }

    private void Progress(DateTimeOffset now, List<FailoverAction> actions)
    {
        if (election is null)
        {
            return;
        }

        if (election.Granted.Count >= majority)
        {
            if (election.Phase == ElectionPhase.PreVote)
            {
                // Why wait: a better candidate's refusal may still be on its way; moving on would split the vote.
                var everyoneAnswered = election.Granted.Count + election.Refused.Count == voters.Count;
                if (everyoneAnswered || now >= election.StartedAt + options.PreVoteWindow)
                {
                    StartRound(ElectionPhase.Vote, election.Term, now, actions);
                }
            }
            else
            {
                Win(now, actions);
            }
        }
        else if (election.Refused.Count > voters.Count - majority)
        {
            LoseRound(now, actions);
        }
    }

    private void Win(DateTimeOffset now, List<FailoverAction> actions)
    {
        var won = election!;
        election = null;
        Save(new VoterState(won.Term, self.Id, self.Id));
        leaderTerm = won.Term;
        superseded = false;
        fenced = false;
        rejoinRequested = null;
        followRequested = null;
        lastRefusal = null;
        lease.Clear();
        // Each granting voter promised, when it granted (after the request was sent), not to vote for a lease.
        foreach (var id in won.Granted)
        {
            lease.Acknowledged(id, won.StartedAt);
        }

        actions.Add(new Promote(won.Term));
        SendHeartbeats(now, local.Timeline + 1, actions);
    }

    private void LoseRound(DateTimeOffset now, List<FailoverAction> actions)
    {
        var lost = election!;
        election = null;
        backoffUntil = now + random.NextDouble() * options.ElectionBackoffMax;
        var reasons = lost.Reasons.Where(reason => !reason.Contains("lease", StringComparison.Ordinal)).ToList();
        if (reasons.Count > 0)
        {
            Report($"node {self.Id} not promoted in term {lost.Term}: {string.Join("; ", reasons.Order(StringComparer.Ordinal))}", actions);
        }
    }
}
