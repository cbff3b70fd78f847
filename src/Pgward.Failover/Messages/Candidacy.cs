namespace Pgward.Failover.Messages;

/// <summary>What a candidate says about itself: voters compare it with what they know.</summary>
public sealed record Candidacy(int Id, int Timeline, ulong Lsn, int Priority);
