namespace Pgward.Failover.Messages;

/// <summary>What a candidate says about itself: voters compare it with what they know.</summary>
/// <param name="HeardPrimary">The candidate heard a primary's heartbeat since its agent started: that primary's agent ran,
/// and it is guarded by a lease once the candidate acknowledged it. True from agents that do not send it.</param>
public sealed record Candidacy(int Id, int Timeline, ulong Lsn, int Priority, bool HeardPrimary = true);
