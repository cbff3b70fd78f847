using Microsoft.Extensions.Logging;

namespace Pgward.Core.Supervision;

/// <summary>
/// The long-running loops of one daemon process (<see cref="SupervisedLoop"/>): it makes them, reports the ones that
/// failed or are stuck (<see cref="Problems"/>, for <c>/health</c>), and cancels <see cref="Fatal"/> when a loop whose
/// state cannot be trusted after a fault failed, so that the daemon stops with <see cref="Failure"/> and a non-zero
/// exit for its service manager to start it again.
/// </summary>
public sealed class LoopSupervisor(TimeProvider time, ILogger logger) : IDisposable
{
    private readonly CancellationTokenSource fatal = new();
    private readonly Lock gate = new();
    private readonly List<SupervisedLoop> loops = [];
    private string? failure;

    /// <summary>Cancelled when a <see cref="LoopFaultPolicy.StopProcess"/> loop failed: the daemon stops.</summary>
    public CancellationToken Fatal => fatal.Token;

    /// <summary>Why the daemon must stop, e.g. "the failover loop failed: ..."; null while no such loop failed.</summary>
    public string? Failure
    {
        get
        {
            lock (gate)
            {
                return failure;
            }
        }
    }

    /// <summary>A loop to run under supervision (<see cref="SupervisedLoop.RunAsync"/>); its owner awaits that task.</summary>
    /// <param name="stuckAfter">How long the loop may go without <see cref="SupervisedLoop.Beat"/> before it counts as stuck;
    /// null for a loop that does not beat (one that waits for work).</param>
    /// <param name="mayEnd">Whether ending by itself is the loop's normal course (automatic failover turned off here);
    /// otherwise an end before its token is cancelled is a fault.</param>
    /// <param name="backoff">The waits before a <see cref="LoopFaultPolicy.Restart"/> loop runs again; null for
    /// <see cref="LoopBackoff.Default"/> (1 s doubling up to 30 s).</param>
    public SupervisedLoop Add(string name, LoopFaultPolicy policy, TimeSpan? stuckAfter = null, bool mayEnd = false, LoopBackoff? backoff = null)
    {
        var loop = new SupervisedLoop(name, policy, stuckAfter, mayEnd, backoff ?? LoopBackoff.Default, time, logger, Stop);
        lock (gate)
        {
            loops.Add(loop);
        }
        return loop;
    }

    /// <summary>The declared loop <paramref name="loop"/> to run under supervision (see <see cref="Add(string, LoopFaultPolicy, TimeSpan?, bool, LoopBackoff?)"/>).</summary>
    public SupervisedLoop Add(LoopDefinition loop, TimeSpan? stuckAfter = null, bool mayEnd = false) =>
        Add(loop.Name, loop.Policy, stuckAfter, mayEnd);

    /// <summary>Runs <paramref name="body"/> as a loop that does not beat; the caller awaits the task (it never throws).</summary>
    public Task RunAsync(string name, LoopFaultPolicy policy, Func<CancellationToken, Task> body, CancellationToken ct) =>
        Add(name, policy).RunAsync(body, ct);

    /// <summary>Runs <paramref name="body"/> as the declared loop <paramref name="loop"/>, one that does not beat; the caller
    /// awaits the task (it never throws).</summary>
    public Task RunAsync(LoopDefinition loop, Func<CancellationToken, Task> body, CancellationToken ct) =>
        Add(loop).RunAsync(body, ct);

    /// <summary>The loops that failed or are stuck, one line each; empty when all is well.</summary>
    public IReadOnlyList<string> Problems()
    {
        lock (gate)
        {
            return [.. loops.Select(l => l.Problem()).OfType<string>()];
        }
    }

    /// <summary>
    /// The loops that are stuck, one line each; empty when every loop that beats did so in time. The watchdog is fed
    /// only while this is empty. A loop that keeps failing is not in it: it runs again by design (a backup server waiting
    /// for an operator's fix), and restarting the process would not fix it; a loop that failed for good ends the process.
    /// </summary>
    public IReadOnlyList<string> Stuck()
    {
        lock (gate)
        {
            return [.. loops.Select(l => l.Stuck()).OfType<string>()];
        }
    }

    private void Stop(SupervisedLoop loop, string error)
    {
        lock (gate)
        {
            failure ??= $"the {loop.Name} loop failed: {error}";
        }
        fatal.Cancel();
    }

    public void Dispose() => fatal.Dispose();
}
