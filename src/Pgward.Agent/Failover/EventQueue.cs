using System.Threading.Channels;

namespace Pgward.Agent.Failover;

/// <summary>
/// Records the failover loop's events in the background, in order: writing one may wait for a connection to the
/// primary, and the next action (a follow after a promotion) must not wait for that.
/// </summary>
public sealed class EventQueue(AgentEvents events)
{
    private readonly Channel<(string Name, bool Success, string Details)> queue =
        Channel.CreateUnbounded<(string, bool, string)>(new UnboundedChannelOptions { SingleReader = true });

    public void Record(string name, bool success, string details) => queue.Writer.TryWrite((name, success, details));

    /// <summary>Writes queued events until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (name, success, details) in queue.Reader.ReadAllAsync(ct))
            {
                await events.RecordAsync(name, success, details, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
