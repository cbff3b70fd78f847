using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Pgward.Agent.Failover;

/// <summary>
/// Records the failover loop's events in the background, in order: writing one may wait for a connection to the
/// primary, and the next action (a follow after a promotion) must not wait for that. The queue is bounded: while the
/// primary cannot be reached for long, the oldest events are dropped, and each drop is logged.
/// </summary>
/// <param name="record">Writes one event (<see cref="AgentEvents.RecordAsync"/>).</param>
public sealed class EventQueue(Func<string, bool, string, CancellationToken, Task> record, ILogger logger)
{
    /// <summary>How many events may wait to be written: 256, far more than a failover and its follows make.</summary>
    public const int Capacity = 256;

    private readonly Channel<(string Name, bool Success, string Details)> queue =
        Channel.CreateBounded<(string Name, bool Success, string Details)>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            dropped => FailoverLog.EventDropped(logger, dropped.Name, dropped.Details, Capacity));

    public void Record(string name, bool success, string details) => queue.Writer.TryWrite((name, success, details));

    /// <summary>Writes queued events until cancelled. An event that cannot be written is logged and skipped: the ones
    /// after it are still written.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (name, success, details) in queue.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await record(name, success, details, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    FailoverLog.EventNotRecorded(logger, name, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
