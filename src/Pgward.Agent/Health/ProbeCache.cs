using Microsoft.Extensions.Logging;

namespace Pgward.Agent.Health;

/// <summary>
/// Probes the local server at most once per <see cref="MaxAge"/>, however many checks arrive (several HAProxy
/// instances, each checking every few seconds); concurrent callers share one probe. Nothing runs while nobody asks.
/// Logs when the server's state changes.
/// </summary>
public sealed class ProbeCache(Func<CancellationToken, Task<ServerState>> probe, TimeProvider time, ILogger logger) : IDisposable
{
    /// <summary>How old a probe may be before the next check probes again: 500 ms.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim gate = new(1, 1);
    private ServerState? last;
    private long lastTaken;

    public async Task<ServerState> GetAsync(CancellationToken ct)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }
        await gate.WaitAsync(ct);
        try
        {
            if (Fresh() is { } again)
            {
                return again;
            }
            var state = await probe(ct);
            var before = last?.Describe();
            var now = state.Describe();
            if (before != now)
            {
                AgentLog.ServerStateChanged(logger, before ?? "unknown", now, state.Timeline?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?",
                    (state.CurrentLsn ?? state.ReplayLsn)?.ToString() ?? "?", state.Error ?? "");
            }
            last = state;
            lastTaken = time.GetTimestamp();
            return state;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private ServerState? Fresh() =>
        last is { } state && time.GetElapsedTime(lastTaken) < MaxAge ? state : null;
}
