namespace Pgward.Core.Systemd;

/// <summary>
/// The glue between a daemon and its service manager: every <see cref="Tick"/> it asks <see cref="NotifyPolicy"/> what to
/// send, given whether the daemon is ready and which of its loops are stuck, and sends it; when its token is cancelled
/// (the daemon begins to stop) it sends <c>STOPPING=1</c>. Made by <see cref="SystemdEnvironment.FromProcess"/>.
/// </summary>
public sealed class ServiceNotifier(INotifySink sink, NotifyPolicy policy, TimeProvider time) : IDisposable
{
    /// <summary>The longest wait between two looks: 250 ms, so that READY follows readiness closely.</summary>
    public static readonly TimeSpan LongestTick = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the notifier looks: <see cref="LongestTick"/>, or a quarter of the ping interval when shorter.</summary>
    public TimeSpan Tick => policy.PingInterval is { } ping && ping / 4 < LongestTick ? ping / 4 : LongestTick;

    /// <summary>Notifies until <paramref name="ct"/> is cancelled, then sends <c>STOPPING=1</c>. Never throws.</summary>
    /// <param name="ready">Whether the daemon is ready.</param>
    /// <param name="stuck">The daemon's stuck loops (<see cref="Supervision.LoopSupervisor.Stuck"/>).</param>
    public async Task RunAsync(Func<bool> ready, Func<IReadOnlyList<string>> stuck, CancellationToken ct)
    {
        var start = time.GetTimestamp();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Send(policy.Next(time.GetElapsedTime(start), ready(), stuck()));
                await Task.Delay(Tick, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        Send(policy.Stop());
    }

    private void Send(string? message)
    {
        if (message is not null)
        {
            sink.Send(message);
        }
    }

    public void Dispose() => (sink as IDisposable)?.Dispose();
}
