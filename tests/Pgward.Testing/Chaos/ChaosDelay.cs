namespace Pgward.Testing.Chaos;

internal static class ChaosDelay
{
    /// <returns>False when <paramref name="ct"/> ended the pause: the client should stop.</returns>
    public static async Task<bool> PauseAsync(TimeSpan delay, TimeProvider time, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
