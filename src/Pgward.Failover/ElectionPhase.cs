namespace Pgward.Failover;

/// <summary>Where a candidate's current round stands.</summary>
public enum ElectionPhase
{
    None,
    PreVote,
    Vote,
}
