namespace Pgward.Core.Supervision;

/// <summary>What a fault of a <see cref="SupervisedLoop"/> (an exception that escapes it, or an end nobody asked for)
/// does. Never nothing: a loop does not die alone.</summary>
public enum LoopFaultPolicy
{
    /// <summary>The loop is logged (Warning) and runs again after a backoff: its state is still to be trusted, or is
    /// rebuilt when it starts again (a transient I/O fault).</summary>
    Restart,

    /// <summary>The loop is logged (Error) and the whole process stops with a non-zero exit, so that its service
    /// manager starts it again: the loop's state cannot be trusted after the fault.</summary>
    StopProcess,
}
