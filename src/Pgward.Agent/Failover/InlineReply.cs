using Pgward.Failover.Messages;

namespace Pgward.Agent.Failover;

/// <summary>
/// The answer to one message that arrived as an HTTP request which can carry it back in its response: the failover loop
/// offers its reply (<see cref="TryCarry"/>), and the request takes it, or gives up waiting (<see cref="Close"/>), whichever
/// comes first. A reply offered after the request gave up is refused, and the loop sends it as a message of its own, as
/// for a sender that does not take replies in the response.
/// </summary>
internal sealed class InlineReply
{
    // Asynchronous continuations: the request's response is written on a thread-pool worker, never on the failover loop.
    private readonly TaskCompletionSource<FailoverMessage?> answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Carries <paramref name="reply"/> in the response; false when the request no longer waits (or already has one).</summary>
    public bool TryCarry(FailoverMessage reply) => answer.TrySetResult(reply);

    /// <summary>No reply (more) to carry: the request answers without one.</summary>
    public void Close() => answer.TrySetResult(null);

    /// <summary>The reply, or null when the loop had none for the request or none within <paramref name="limit"/>; from then
    /// on the loop's reply goes as a message of its own.</summary>
    public async Task<FailoverMessage?> WaitAsync(TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        await ((Task)answer.Task.WaitAsync(limit, time, ct)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Close();
        return await answer.Task;
    }
}
