namespace Pgward.Failover;

/// <summary>One round of a candidate's election: who granted, who refused and why.</summary>
internal sealed class ElectionRound(ElectionPhase phase, long term, int round, DateTimeOffset startedAt, DateTimeOffset deadline, bool manual)
{
    public ElectionPhase Phase { get; } = phase;
    /// <summary>An operator asked for this promotion: see <see cref="Messages.VoteRequest.Manual"/>.</summary>
    public bool Manual { get; } = manual;
    public long Term { get; } = term;
    public int Round { get; } = round;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset Deadline { get; } = deadline;
    public HashSet<int> Granted { get; } = [];
    public HashSet<int> Refused { get; } = [];
    public List<string> Reasons { get; } = [];
}
