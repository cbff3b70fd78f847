namespace Pgward.Failover;

/// <summary>What a voter knows when it judges a vote request.</summary>
/// <param name="LeaseUntil">The voter promised the primary not to vote before this time.</param>
/// <param name="KnownTimeline">The timeline of the newest primary the voter heard from.</param>
/// <param name="KnownPrimaryLsn">The primary's WAL end in its last heartbeat.</param>
/// <param name="KnownAckedLsn">The highest commit LSN any primary reported as acknowledged.</param>
/// <param name="HeardSinceStart">The voter heard a primary's heartbeat since its agent started.</param>
/// <param name="Deposed">The voter's server is a primary held read-only by the guard (<see cref="LocalStatus.Guarded"/>)
/// and the voter leads no term nor may take one up again: nothing makes it writable but an election it cannot stand in.
/// Its WAL is final, so it judges candidates like a standby.</param>
internal sealed record VoterKnowledge(
    NodeProfile Self,
    VoterState Voter,
    LocalStatus Local,
    bool Paused,
    DateTimeOffset Now,
    DateTimeOffset LeaseUntil,
    int KnownTimeline,
    ulong KnownPrimaryLsn,
    ulong KnownAckedLsn,
    bool HeardSinceStart = true,
    bool Deposed = false);
