namespace Pgward.Core.Processes;

/// <summary>Runs child processes; the seam that lets operations be unit-tested without processes.</summary>
public interface IProcessRunner
{
    /// <summary>Runs <paramref name="request"/> to completion. Cancellation kills the process tree and throws
    /// <see cref="OperationCanceledException"/>; a timeout kills it and returns a result with TimedOut set.</summary>
    Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken);
}
