using Pgward.Core.Processes;

namespace Pgward.UnitTests.Postgres;

/// <summary>A pg_ctl that does <paramref name="start"/>, then runs until cancelled (then throws, as
/// <see cref="ProcessRunner"/> does) or finished.</summary>
internal sealed class PendingProcessRunner(Action start) : IProcessRunner
{
    private readonly TaskCompletionSource<ProcessResult> finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken Token { get; private set; }

    public Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        Token = cancellationToken;
        start();
        cancellationToken.Register(() => finished.TrySetCanceled(cancellationToken));
        return finished.Task;
    }

    public void Finish() => finished.TrySetResult(new ProcessResult(0, "", "", TimedOut: false));
}
