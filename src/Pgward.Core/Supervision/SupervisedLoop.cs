using Microsoft.Extensions.Logging;

namespace Pgward.Core.Supervision;

/// <summary>
/// One long-running loop of a daemon that never dies alone: an exception that escapes it, or an end nobody asked for,
/// is logged and either runs the loop again after a backoff (<see cref="LoopFaultPolicy.Restart"/>) or stops the
/// whole process (<see cref="LoopFaultPolicy.StopProcess"/>, through its <see cref="LoopSupervisor"/>). A loop that
/// calls <see cref="Beat"/> every round is reported stuck when it has not for <c>stuckAfter</c>. Made by
/// <see cref="LoopSupervisor.Add(LoopDefinition, TimeSpan?, bool)"/>.
/// </summary>
public sealed class SupervisedLoop
{
    private readonly TimeSpan? stuckAfter;
    private readonly bool mayEnd;
    private readonly LoopBackoff backoff;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Action<SupervisedLoop, string> stopProcess;
    private long lastBeat;
    private volatile LoopStatus status = LoopStatus.Starting;
    private volatile string? lastError;
    private volatile int faultsInARow;

    internal SupervisedLoop(string name, LoopFaultPolicy policy, TimeSpan? stuckAfter, bool mayEnd, LoopBackoff backoff, TimeProvider time, ILogger logger,
        Action<SupervisedLoop, string> stopProcess)
    {
        Name = name;
        Policy = policy;
        this.stuckAfter = stuckAfter;
        this.mayEnd = mayEnd;
        this.backoff = backoff;
        this.time = time;
        this.logger = logger;
        this.stopProcess = stopProcess;
        lastBeat = time.GetTimestamp();
    }

    /// <summary>The loop's name in logs and in <c>/health</c>, e.g. <c>failover</c>.</summary>
    public string Name { get; }

    public LoopFaultPolicy Policy { get; }

    public LoopStatus Status => status;

    /// <summary>The last fault's message; null before any.</summary>
    public string? LastError => lastError;

    /// <summary>The loop finished a round: it is not stuck.</summary>
    public void Beat() => Interlocked.Exchange(ref lastBeat, time.GetTimestamp());

    /// <summary>How many faults in a row make a restarting loop count as failing in <c>/health</c>: 5, about half a
    /// minute of the default backoff (1 + 2 + 4 + 8 + 16 s) without one good run.</summary>
    public const int FailingAfter = 5;

    /// <summary>What is wrong with the loop for <c>/health</c>: failed (the process stops), failing (it faults again each
    /// time it starts), or stuck (no round for longer than it may take); null while it runs, recovers or has ended.</summary>
    public string? Problem()
    {
        var current = status;
        if (current == LoopStatus.Failed)
        {
            return $"{Name}: failed ({lastError})";
        }
        if (current == LoopStatus.Restarting && faultsInARow >= FailingAfter)
        {
            return $"{Name}: failing ({faultsInARow} faults in a row, the last: {lastError})";
        }
        return Stuck();
    }

    /// <summary>"stuck" when the loop runs (or waits to run again) and has not finished a round for longer than it may take;
    /// null otherwise. What the service manager's watchdog hears about (<see cref="LoopSupervisor.Stuck"/>).</summary>
    public string? Stuck()
    {
        var current = status;
        var silent = time.GetElapsedTime(Interlocked.Read(ref lastBeat));
        return current is LoopStatus.Running or LoopStatus.Restarting && stuckAfter is { } limit && silent > limit
            ? $"{Name}: stuck (no round for {silent.TotalSeconds:0} s)" + (current == LoopStatus.Restarting ? $", last fault: {lastError}" : "")
            : null;
    }

    /// <summary>Runs <paramref name="body"/> until <paramref name="ct"/> is cancelled, under the loop's policy. Never
    /// throws: a fault is handled here.</summary>
    /// <param name="body">The loop; it ends when its token is cancelled (or, for a loop that may end, when it is done).</param>
    public async Task RunAsync(Func<CancellationToken, Task> body, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            Beat();
            status = LoopStatus.Running;
            if (faultsInARow > 0)
            {
                LoopLog.Recovered(logger, Name, faultsInARow);
            }
            Exception? fault = null;
            try
            {
                await body(ct);
                if (ct.IsCancellationRequested || mayEnd)
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                fault = e;
            }
            var error = fault?.Message ?? "it ended by itself";
            lastError = error;
            if (Policy == LoopFaultPolicy.StopProcess)
            {
                status = LoopStatus.Failed;
                LoopLog.Stopping(logger, Name, error, fault);
                stopProcess(this, error);
                return;
            }
            // A loop that ran well for a while before this fault starts its backoff again from the shortest wait.
            faultsInARow = time.GetElapsedTime(started) >= backoff.Longest ? 1 : faultsInARow + 1;
            status = LoopStatus.Restarting;
            var wait = backoff.After(faultsInARow);
            LoopLog.Restarting(logger, Name, error, wait.TotalSeconds, fault);
            try
            {
                await Task.Delay(wait, time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        status = LoopStatus.Ended;
    }
}
