using Pgward.Failover.Actions;
using Pgward.Failover.Messages;

namespace Pgward.Failover;

/// <summary>The candidate's side: detecting a failed primary, pre-vote, vote, promotion.</summary>
public sealed partial class FailoverNode
{
    private ElectionRound? election;
    private bool manualPending;
    private int round;
    private DateTimeOffset backoffUntil = DateTimeOffset.MinValue;

    private void StandbyTick(DateTimeOffset now, List<FailoverAction> actions)
    {
        if (manualPending && election is null && now >= leaseUntil)
        {
            // Why wait: this node promised the primary's lease too, and counts its own vote.
            manualPending = false;
            StartRound(ElectionPhase.PreVote, voter.CurrentTerm + 1, now, actions, manual: true);
            return;
        }

        if (store.IsPaused && election is not { Manual: true })
        {
            election = null;
            if (self.CanStand && local.IsRunning && now - lastHeard >= options.FailoverTimeout)
            {
                Report($"node {self.Id} hears no primary, but the cluster is paused: no automatic failover (pgward daemon unpause)", actions);
            }

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

        if (!self.CanStand || !local.IsRunning || local.Restoring || now < backoffUntil
            || now - lastHeard < options.FailoverTimeout || now < leaseUntil)
        {
            return;
        }

        if (!local.Fenceable)
        {
            // Promoted, it would be a primary that nothing stops if its agent stopped: it would be fenced at once.
            Report($"node {self.Id} cannot stand: no dead-man switch runs on its host ({SwitchLogHint})", actions);
            return;
        }

        if (local.ApplyDelayed)
        {
            Report($"node {self.Id} does not stand: it applies WAL late on purpose (recovery_min_apply_delay), so promoting it would replay "
                + "the whole delay first; promote it by hand (pgward standby promote) if it must be the primary", actions);
            return;
        }

        if (!heardSinceStart && local.Streaming)
        {
            // Why: agents start one by one; a standby whose server still streams from its upstream while that
            // primary's agent is not up yet must not depose a primary that works. Once any primary has been heard,
            // only heartbeats count.
            return;
        }

        var candidacy = new Candidacy(self.Id, local.Timeline, local.Lsn, self.Priority, heardSinceStart);
        if (VotePolicy.DataRefusal(candidacy, Knowledge(now), options) is string refusal)
        {
            Report($"node {self.Id} cannot stand: {refusal}", actions);
            backoffUntil = now + options.FailoverTimeout;
            return;
        }

        StartRound(ElectionPhase.PreVote, voter.CurrentTerm + 1, now, actions, manual: false);
    }

    /// <summary>
    /// An operator asks to promote this standby (<c>standby switchover</c>, <c>standby promote</c>): run an election
    /// now, without waiting for the failover timeout. It wins only as an automatic one would (a majority, no lease
    /// held, not behind any voter), except that it ignores pause, <c>failover = manual</c> and priority. The outcome
    /// is a <see cref="Promote"/> or a <see cref="Refused"/> action, from this call or a later one.
    /// </summary>
    public IReadOnlyList<FailoverAction> RequestPromotion(DateTimeOffset now)
    {
        var actions = new List<FailoverAction>();
        if (self.IsWitness || !local.IsRunning || local.IsPrimary)
        {
            actions.Add(new Refused($"node {self.Id} cannot be promoted: it is not a running standby"));
        }
        else if (local.Restoring)
        {
            actions.Add(new Refused($"node {self.Id} cannot be promoted: it is recovering a backup (recovery.signal), not a standby; "
                + "promote it with pg_ctl promote once it reached its target, or make it a standby with pgward node rejoin"));
        }
        else if (!local.Fenceable)
        {
            actions.Add(new Refused($"node {self.Id} cannot be promoted: no dead-man switch runs on its host ({SwitchLogHint})"));
        }
        else if (election is not null || manualPending)
        {
            actions.Add(new Refused($"node {self.Id} is already running an election"));
        }
        else if (now < leaseUntil)
        {
            manualPending = true;
        }
        else
        {
            StartRound(ElectionPhase.PreVote, voter.CurrentTerm + 1, now, actions, manual: true);
        }

        return actions;
    }

    private void StartRound(ElectionPhase phase, long term, DateTimeOffset now, List<FailoverAction> actions, bool manual)
    {
        if (phase == ElectionPhase.Vote)
        {
            Save(new VoterState(term, self.Id, null));
        }

        election = new ElectionRound(phase, term, ++round, now, now + options.ElectionTimeout, manual);
        election.Granted.Add(self.Id);
        var candidacy = new Candidacy(self.Id, local.Timeline, local.Lsn, self.Priority, heardSinceStart);
        var request = new VoteRequest(term, phase == ElectionPhase.PreVote, round, candidacy, manual);
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

        if (reply.VoterTerm > voter.CurrentTerm)
        {
            // Why: a voter that voted in a term this candidate never saw refuses it every later pre-vote of that term.
            // CI, primary-agent-stopped:sync seed 8: node 3 won the vote of term 2 but deferred to node 2; node 2, still
            // in term 1, asked for term 2 again and again, and nobody was promoted. Nothing is voted here: the next
            // round asks for the term after.
            Save(new VoterState(reply.VoterTerm, null, null));
            if (election.Term < reply.VoterTerm)
            {
                LoseRound(now, actions);
                return;
            }
        }

        if (reply.Granted)
        {
            election.Granted.Add(from);
        }
        else if (election.Refused.Add(from))
        {
            election.Reasons.Add(reply.Reason ?? $"node {from} refused");
            if (VotePolicy.IsPrecedence(reply.Reason) && !election.Manual)
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

        if (now >= election.Deadline)
        {
            // Why: each grant promised not to vote for another for a lease from when it was given; a reply counted after
            // the round's end may carry a promise that has lapsed, and its voter may have elected another since. A
            // candidate frozen with its host mid-round resumes with the replies queued, handled before its first tick:
            // in a 10,000-seed sweep (seeds 3363, 7044, 11098, 12423, 12494) such a node promoted itself in an old term,
            // behind commits its successor had acknowledged. The round is lost; the next one asks anew.
            LoseRound(now, actions);
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
                    StartRound(ElectionPhase.Vote, election.Term, now, actions, election.Manual);
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

        // A deposed primary that won (StandsDeposed) is promoted too, out of the recovery its guard holds it in, and not
        // unfenced on its own timeline: a timeline is a term's, so that a later one is newer history. Started again on
        // its old timeline, it wrote there after a newer one existed, and a node on that newer timeline, which held less,
        // won the next election as "ahead" (simulation, seed 3592).
        actions.Add(new Promote(won.Term));
        SendHeartbeats(now, local.Timeline + 1, actions);
    }

    private void LoseRound(DateTimeOffset now, List<FailoverAction> actions)
    {
        var lost = election!;
        election = null;
        backoffUntil = now + random.NextDouble() * options.ElectionBackoffMax;
        if (lost.Manual)
        {
            // The operator waits for an answer: always give one, with every reason, the lease included.
            var why = lost.Reasons.Count > 0 ? string.Join("; ", lost.Reasons.Order(StringComparer.Ordinal)) : "no majority answered in time";
            lastRefusal = $"node {self.Id} not promoted in term {lost.Term}: {why}";
            actions.Add(new Refused(lastRefusal));
            return;
        }

        var reasons = lost.Reasons.Where(reason => !reason.Contains("lease", StringComparison.Ordinal)).ToList();
        if (reasons.Count > 0)
        {
            Report($"node {self.Id} not promoted in term {lost.Term}: {string.Join("; ", reasons.Order(StringComparer.Ordinal))}", actions);
        }
    }
}
