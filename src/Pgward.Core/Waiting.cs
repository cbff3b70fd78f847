namespace Pgward.Core;

/// <summary>Waits for conditions with a deadline instead of sleeping a guessed time.</summary>
public static class Waiting
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; true when it held.</summary>
    public static async Task<bool> UntilAsync(
        Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (await condition(ct))
            {
                return true;
            }
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }
            await Task.Delay(remaining < interval ? remaining : interval, time, ct);
        }
    }
}
