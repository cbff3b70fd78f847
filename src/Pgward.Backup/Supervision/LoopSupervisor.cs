using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Supervision;

/// <summary>
/// Runs a process's loops together so that none dies alone: each loop recovers from its own failures
/// (<see cref="SupervisedLoop"/>), and a loop that ends anyway before the process is stopped (an exception its own
/// handling let through, a bug) stops the others and ends the run with <see cref="ExitCodes.Internal"/>, so that the
/// service manager (systemd's <c>Restart=on-failure</c>) starts the whole process again. A process that streamed WAL
/// with its upkeep dead, or the reverse, would look alive to every check of the process and be half dead.
/// </summary>
public static class LoopSupervisor
{
    /// <returns><see cref="Outcome.Ok"/> when <paramref name="ct"/> stopped the loops; a failure naming the loop that ended on its own otherwise.</returns>
    public static async Task<Outcome> RunAsync(IReadOnlyList<(string Name, Func<CancellationToken, Task> Run)> loops, IReporter reporter, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = loops.Select(loop => Task.Run(() => loop.Run(stop.Token), CancellationToken.None)).ToList();
        var ended = await Task.WhenAny(running);
        Outcome outcome = Outcome.Ok;
        if (!ct.IsCancellationRequested)
        {
            var name = loops[running.IndexOf(ended)].Name;
            var how = ended.Exception?.InnerException is { } e ? $"{e.GetType().Name}: {e.Message}" : "it returned";
            outcome = Outcome.Fail(ExitCodes.Internal, $"the {name} loop ended on its own ({how}): stopping the process so that its service manager starts it again");
            reporter.Error(outcome.Error!);
        }
        await stop.CancelAsync();
        // Every loop is awaited, and every exception observed: nothing goes on running after this returns.
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return outcome;
    }
}
