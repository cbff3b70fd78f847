namespace Pgward.Agent.Failover;

/// <summary>The agent's periodic loops: the next tick, or false once the loop is to stop.</summary>
internal static class Ticks
{
    /// <summary>Waits for the timer's next tick; false when <paramref name="ct"/> is cancelled (not an exception).</summary>
    public static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
