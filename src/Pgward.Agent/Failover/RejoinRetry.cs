namespace Pgward.Agent.Failover;

/// <summary>
/// How the failover loop retries an automatic rejoin: a failed rejoin leaves the server stopped (after a failed rewind,
/// or a re-clone that could not start), and nothing else would bring the node back (defect 7 of RELIABILITY.md: the
/// old primary stayed down after one failed attempt).
/// </summary>
public static class RejoinRetry
{
    /// <summary>How often an automatic rejoin is tried before the node waits for an operator: 3.</summary>
    public const int Attempts = 3;

    /// <summary>The wait after a failed attempt before the next: 5 s.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, at most <see cref="Attempts"/> times,
    /// <see cref="Delay"/> apart; returns whether one succeeded.</summary>
    public static async Task<bool> RunAsync(Func<CancellationToken, Task<bool>> attempt, TimeProvider time, CancellationToken ct)
    {
        for (var tried = 1; tried <= Attempts; tried++)
        {
            if (await attempt(ct))
            {
                return true;
            }
            if (tried < Attempts)
            {
                await Task.Delay(Delay, time, ct);
            }
        }
        return false;
    }
}
