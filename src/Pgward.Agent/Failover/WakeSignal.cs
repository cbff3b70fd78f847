namespace Pgward.Agent.Failover;

/// <summary>
/// An auto-reset signal for one waiter at a time: <see cref="Set"/> wakes the waiter, or the next one when nobody waits
/// yet, so a wake between a waiter's look at its state and its wait is not lost. Spurious wakes are allowed: the waiter
/// looks at its state again. What lets the commit lease sleep until something it depends on changed, instead of polling.
/// </summary>
public sealed class WakeSignal
{
    private readonly Lock gate = new();
    private TaskCompletionSource? waiting;
    private bool set;

    public void Set()
    {
        TaskCompletionSource? wake;
        lock (gate)
        {
            if (waiting is null)
            {
                set = true;
                return;
            }
            wake = waiting;
            waiting = null;
        }
        wake.TrySetResult();
    }

    /// <summary>Waits until <see cref="Set"/> (true) or until <paramref name="timeout"/> passed (false), measured by
    /// <paramref name="time"/>; throws <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            if (set)
            {
                set = false;
                return true;
            }
            wake = waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        // No exception for the timeout: the lease's watch times out about once a second.
        await wake.Task.WaitAsync(timeout, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (gate)
        {
            // Timed out or cancelled: nobody waits on this one any more, and a Set from now on must be kept for the next
            // wait (it would otherwise complete this abandoned one, and the next wait would sleep past it).
            if (ReferenceEquals(waiting, wake))
            {
                waiting = null;
            }
        }
        ct.ThrowIfCancellationRequested();
        return wake.Task.IsCompleted;
    }
}
