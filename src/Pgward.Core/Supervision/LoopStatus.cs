namespace Pgward.Core.Supervision;

/// <summary>Where a <see cref="SupervisedLoop"/> is.</summary>
public enum LoopStatus
{
    /// <summary>Not started yet.</summary>
    Starting,
    Running,
    /// <summary>Faulted, waiting for its backoff to run again (<see cref="LoopFaultPolicy.Restart"/>).</summary>
    Restarting,
    /// <summary>Faulted for good: the process stops (<see cref="LoopFaultPolicy.StopProcess"/>).</summary>
    Failed,
    /// <summary>Ended: asked to stop, or done where ending is its normal course.</summary>
    Ended,
}
