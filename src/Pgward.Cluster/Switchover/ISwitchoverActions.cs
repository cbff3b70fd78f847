using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Switchover;

/// <summary>
/// The side effects of a switchover, each one step on one node (through that node's agent, or locally).
/// <see cref="SwitchoverOrchestrator"/> decides their order and what to undo; tests drive it with fakes.
/// </summary>
public interface ISwitchoverActions
{
    /// <summary>Checkpoint, then a fast shutdown of the primary; returns the LSN of its shutdown checkpoint.</summary>
    Task<(StepResult Result, Lsn ShutdownCheckpoint)> StopPrimaryAsync(CancellationToken ct);

    /// <summary>Waits until the candidate has received WAL past <paramref name="lsn"/>.</summary>
    Task<StepResult> WaitUntilCandidateReceivedAsync(Lsn lsn, CancellationToken ct);

    /// <summary>Promotes the candidate and waits until it takes writes.</summary>
    Task<StepResult> PromoteCandidateAsync(CancellationToken ct);

    /// <summary>Records the new roles in the metadata on the new primary.</summary>
    Task<StepResult> UpdateMetadataAsync(CancellationToken ct);

    /// <summary>Starts the old primary as a standby of <paramref name="primary"/>, the candidate or the node elected in its
    /// place (pg_rewind only when needed). <paramref name="receivedCheckpoint"/>: the candidate's, which received the old
    /// primary's shutdown checkpoint there before its promotion (the old primary's agent then skips the rewind's checks).</summary>
    Task<StepResult> RejoinOldPrimaryAsync(NodeRecord primary, Lsn? receivedCheckpoint, CancellationToken ct);

    /// <summary>After a failed promotion: the standby of the plan that is a primary now (the candidate, promoted after
    /// all, or one the agents elected while the switchover ran), waiting as long as an election takes when automatic
    /// failover is on; null when none is, or more than one.</summary>
    Task<NodeRecord?> FindPrimaryAfterFailedPromotionAsync(CancellationToken ct);

    /// <summary>One look, without waiting: the plan's standby that takes writes now (elected by the agents while the old
    /// primary was stopped); null when none does, or more than one.</summary>
    Task<NodeRecord?> FindWritableStandbyAsync(CancellationToken ct);

    /// <summary>Re-points a sibling standby to the new primary.</summary>
    Task<StepResult> FollowNewPrimaryAsync(NodeRecord sibling, CancellationToken ct);

    /// <summary>Rollback: starts the old primary again as the primary it was.</summary>
    Task<StepResult> RestartOldPrimaryAsync(CancellationToken ct);

    /// <summary>Records an event of the switchover (and runs the notification command).</summary>
    Task RecordAsync(string eventName, bool success, string details, CancellationToken ct);
}
