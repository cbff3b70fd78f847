using Pgward.Failover.Messages;

namespace Pgward.Failover;

/// <summary>Whether a voter grants a (pre-)vote: a pure function of the request and what the voter knows.</summary>
internal static class VotePolicy
{
    /// <summary>Null when the vote is granted, else the reason for refusing it.</summary>
    public static string? Refusal(VoteRequest request, VoterKnowledge me, FailoverOptions options)
    {
        var candidate = request.Candidate;
        if (me.Paused && !request.Manual)
        {
            return "the cluster is paused";
        }

        if (request.Term < me.Voter.CurrentTerm
            || (request.Term == me.Voter.CurrentTerm && me.Voter.VotedFor != candidate.Id))
        {
            return $"node {me.Self.Id} is in term {me.Voter.CurrentTerm} and voted for {me.Voter.VotedFor?.ToString() ?? "nobody"}";
        }

        if (DataRefusal(candidate, me, options, request.Manual) is string refusal)
        {
            return refusal;
        }

        if (NotHeardYet(request, me) is string unheard)
        {
            return unheard;
        }

        if (me.Now < me.LeaseUntil)
        {
            // Why: this voter acknowledged the primary's lease; the primary may still take writes until its
            // fence timeout, which ends before this promise does.
            return $"node {me.Self.Id} heard the primary recently (lease for another {(me.LeaseUntil - me.Now).TotalMilliseconds:0} ms)";
        }

        return null;
    }

    /// <summary>
    /// A voter that has not heard any primary since its agent started refuses an automatic candidate while its own server
    /// still streams from its upstream (its own evidence that the primary lives), and a witness, which has no such
    /// evidence, refuses a candidate that has not heard a primary either. Why: agents are turned on one at a time, in any
    /// order; a primary whose agent is not up yet (or cannot reach the others) is guarded by no lease, and only a voter
    /// that heard it could know it is gone. A candidate that heard it acknowledged it, which guards it (with the primary,
    /// a majority of three). The price: a primary that dies before any voter heard its agent is not replaced
    /// automatically; an operator's promotion still is.
    /// </summary>
    private static string? NotHeardYet(VoteRequest request, VoterKnowledge me)
    {
        if (request.Manual || me.HeardSinceStart || me.Self.Id == request.Candidate.Id)
        {
            return null;
        }
        if (me.Self.IsWitness)
        {
            return request.Candidate.HeardPrimary ? null
                : $"node {me.Self.Id} (witness) and node {request.Candidate.Id} have heard no primary since their agents started";
        }
        return me.Local is { IsRunning: true, Streaming: true }
            ? $"node {me.Self.Id} still streams from its upstream and has heard no primary's agent since its own started"
            : null;
    }

    /// <summary>Refusals about the candidate's data, which a candidate also applies to itself.</summary>
    /// <param name="manual">An operator chose the candidate: priority and node id do not hold it back.</param>
    public static string? DataRefusal(Candidacy candidate, VoterKnowledge me, FailoverOptions options, bool manual = false)
    {
        // A data node whose server is down still holds its WAL on disk: the host reports the last known state, and the
        // voter judges with it as if the server ran. When it knows none, it may hold any WAL: it refuses.
        if (!me.Self.IsWitness && !me.Local.Known && me.Self.Id != candidate.Id)
        {
            return $"node {me.Self.Id} cannot tell what WAL it holds: its server is down and was not seen running since its agent started";
        }

        var holdsData = !me.Self.IsWitness && me.Local.Timeline > 0;
        // A deposed primary writes nothing more: refusing every candidate for it would leave the cluster without any
        // primary (simulation, after every fault was undone: an old primary kept read-only beside a standby as advanced).
        var runsPrimary = holdsData && me.Local.IsPrimary && me.Local.IsRunning && !me.Deposed;
        if (runsPrimary && me.Self.Id != candidate.Id)
        {
            return $"node {me.Self.Id} runs a primary (it holds WAL no standby may have)";
        }

        if (candidate.Timeline < me.KnownTimeline)
        {
            return $"node {candidate.Id} is on timeline {candidate.Timeline}, older than the primary's {me.KnownTimeline}";
        }

        if (options.ReplicationMode == ReplicationMode.Sync && candidate.Lsn < me.KnownAckedLsn)
        {
            // Why: promoting a standby behind an acknowledged commit would lose that commit.
            return $"sync mode: node {candidate.Id} received {Format(candidate.Lsn)} but commits were acknowledged up to {Format(me.KnownAckedLsn)}";
        }

        if (options.MaximumLagOnFailover is ulong maxLag && me.KnownPrimaryLsn > candidate.Lsn
            && me.KnownPrimaryLsn - candidate.Lsn > maxLag)
        {
            return $"node {candidate.Id} is {me.KnownPrimaryLsn - candidate.Lsn} bytes behind the primary (maximum_lag_on_failover {maxLag})";
        }

        // In async mode a standby that may never stand (priority 0, manual, other location, delayed) does not hold back a
        // candidate for being behind it, as in Patroni: else a most-advanced priority-0 standby would block every
        // failover. In sync mode it must: it may be the standby that flushed the last acknowledged commits.
        // A primary that is down writes no more WAL: it judges like a standby, by the position it last reported (a
        // primary stopped for a switchover then lets its successor win; one that crashed refuses a candidate behind it).
        if (holdsData && !runsPrimary && JudgesData(me.Self, me.Local, options) && me.Self.Id != candidate.Id)
        {
            return Compare(candidate, me, manual);
        }

        return null;
    }

    /// <summary>Whether this voter holds a candidate back for being behind it (see <see cref="DataRefusal"/>).</summary>
    public static bool JudgesData(NodeProfile self, LocalStatus local, FailoverOptions options) =>
        MayStand(self, local) || options.ReplicationMode == ReplicationMode.Sync;

    /// <summary>Whether this node may stand now: its profile allows it and its server is no delayed standby.</summary>
    private static bool MayStand(NodeProfile self, LocalStatus local) => self.CanStand && !local.ApplyDelayed;

    private static string? Compare(Candidacy candidate, VoterKnowledge me, bool manual)
    {
        var mine = (me.Local.Timeline, me.Local.Lsn);
        var theirs = (candidate.Timeline, candidate.Lsn);
        if (IsBehind(candidate, mine.Timeline, mine.Lsn))
        {
            return $"node {candidate.Id} ({theirs.Timeline}, {Format(theirs.Lsn)}) is behind node {me.Self.Id} ({mine.Timeline}, {Format(mine.Lsn)})";
        }

        // Only a voter that could stand itself takes precedence: one whose server is down, that never stands (failover =
        // manual, another location, a delayed standby; priority 0 never outranks), or a deposed primary, would make the
        // candidate give way to nobody.
        var precedes = me.Local is { IsRunning: true, IsPrimary: false } && MayStand(me.Self, me.Local)
            && (me.Self.Priority > candidate.Priority || (me.Self.Priority == candidate.Priority && me.Self.Id < candidate.Id));
        if (theirs == mine && precedes && !manual)
        {
            return $"node {me.Self.Id} is as advanced as node {candidate.Id} and {PrecedenceSuffix}";
        }

        return null;
    }

    /// <summary>Whether the candidate is behind a voter at (<paramref name="timeline"/>, <paramref name="lsn"/>), compared
    /// as a pair: a later timeline is ahead whatever its LSN.</summary>
    public static bool IsBehind(Candidacy candidate, int timeline, ulong lsn) =>
        (candidate.Timeline, candidate.Lsn).CompareTo((timeline, lsn)) < 0;

    /// <summary>Whether a refusal says that the voter itself is the better candidate: the candidate then defers
    /// to it instead of splitting the vote.</summary>
    public static bool IsPrecedence(string? reason) => reason?.EndsWith(PrecedenceSuffix, StringComparison.Ordinal) == true;

    private const string PrecedenceSuffix = "takes precedence (priority, then node id)";

    public static string Format(ulong lsn) => $"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}";
}
