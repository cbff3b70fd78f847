using Pgward.Failover.Messages;

namespace Pgward.Failover.Actions;

/// <summary>
/// Stop this standby's WAL receiver, then send the granted vote <see cref="Reply"/>; when the receiver cannot be
/// stopped, send nothing. A standby that has voted for a new primary must acknowledge nothing more from the old one:
/// in sync mode an old primary thawed after the election would otherwise have commits acknowledged by a standby that
/// the new primary never receives. Once the receiver is stopped the standby knows exactly what it holds: when that is
/// beyond the <see cref="Candidate"/>'s position (it received more since its last probe), the vote is refused instead.
/// </summary>
/// <param name="JudgesData">Whether the vote policy holds a candidate back for being behind this voter: in async mode
/// a standby that may never stand does not.</param>
public sealed record DetachThenSend(int To, VoteReply Reply, Candidacy Candidate, bool JudgesData) : FailoverAction
{
    /// <summary>Why the vote is refused after all, judged as the vote policy judges (timeline and LSN as a pair) on
    /// what voter <paramref name="self"/> holds once its receiver stopped; null when the vote goes.</summary>
    public string? RefusalAfterDetach(int self, int timeline, ulong received) =>
        JudgesData && VotePolicy.IsBehind(Candidate, timeline, received)
            ? $"node {self} received up to {VotePolicy.Format(received)} on timeline {timeline} before it stopped streaming, "
              + $"beyond node {Candidate.Id}'s {VotePolicy.Format(Candidate.Lsn)} on timeline {Candidate.Timeline}"
            : null;
}
