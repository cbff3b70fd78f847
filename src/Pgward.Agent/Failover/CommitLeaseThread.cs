namespace Pgward.Agent.Failover;

/// <summary>
/// The commit lease's own thread for one stream over the local socket (<see cref="CommitLeaseSocket"/>): it blocks in
/// poll(2) and in the rare read that does not complete at once, which must not happen on a thread-pool worker. A thread
/// per stream: a stream lasts as long as the lease holds, and the pool's workers are left to the agent's other work.
/// </summary>
internal static class CommitLeaseThread
{
    /// <summary>Runs <paramref name="loop"/> on a new background thread; the task ends with it.</summary>
    public static Task Run(Action loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "pgward lease",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>The result of <paramref name="step"/>, waited for on this thread when it did not complete at once.</summary>
    public static T Wait<T>(ValueTask<T> step) => step.IsCompletedSuccessfully ? step.Result : step.AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="Wait{T}(ValueTask{T})"/>
    public static void Wait(ValueTask step)
    {
        if (!step.IsCompletedSuccessfully)
        {
            step.AsTask().GetAwaiter().GetResult();
        }
    }
}
