namespace Pgward.Cluster.Switchover;

/// <summary>Where a switchover is, or where it stopped; events and errors name it.</summary>
public enum SwitchoverPhase
{
    Checking,
    StoppingPrimary,
    WaitingForShutdownCheckpoint,
    PromotingCandidate,
    RejoiningOldPrimary,
    SiblingsFollowing,
    Done,
}
