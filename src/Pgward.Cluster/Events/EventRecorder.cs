using Npgsql;
using Pgward.Core.Events;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Events;

/// <summary>
/// Records an event in <c>pgward.events</c> and runs <c>event_notification_command</c> for it.
/// Neither step can fail the operation that triggered it: a failure is reported as a warning.
/// </summary>
public sealed class EventRecorder(EventNotifier notifier, IReporter reporter, TimeProvider time)
{
    private Action<ClusterEvent>? recorded;

    /// <summary>Calls <paramref name="observer"/> with every event recorded from now on, before it is written (a node
    /// agent counts them by name for <c>/metrics</c>). It must be quick and must not throw.</summary>
    public void Observe(Action<ClusterEvent> observer)
    {
        Action<ClusterEvent>? seen, combined;
        do
        {
            seen = Volatile.Read(ref recorded);
            combined = seen + observer;
        }
        while (Interlocked.CompareExchange(ref recorded, combined, seen) != seen);
    }

    /// <param name="store">Where to write the event; null when no writable metadata is reachable (it is then only notified).</param>
    public async Task RecordAsync(MetadataStore? store, ClusterEvent e, CancellationToken ct)
    {
        Volatile.Read(ref recorded)?.Invoke(e);
        var timestamp = time.GetUtcNow();
        if (store is not null)
        {
            try
            {
                timestamp = await store.InsertEventAsync(e.NodeId, e.Event, e.Success, e.Details, ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Before the primary is registered (a clone first, as the README's order allows): no metadata yet.
                reporter.Warning($"event \"{e.Event}\" not recorded: the cluster has no pgward metadata yet (\"pgward primary register\" installs it)");
            }
            catch (NpgsqlException ex)
            {
                reporter.Warning($"unable to record event \"{e.Event}\": {ex.Message}");
            }
        }

        var outcome = await notifier.NotifyAsync(
            new EventNotification(
                e.NodeId, e.NodeName, e.Event, e.Success, timestamp, e.Details,
                e.Related?.NodeId, e.Related?.Conninfo, e.Related?.NodeName),
            ct);
        if (Problem(outcome) is { } problem)
        {
            reporter.Warning($"event notification command for \"{e.Event}\" {problem}");
        }
    }

    private static string? Problem(NotificationOutcome outcome) => outcome switch
    {
        NotificationFailed { ExitCode: null } failed => $"could not be started: {failed.StandardError}",
        NotificationFailed failed => $"exited with code {failed.ExitCode}: {failed.StandardError}",
        NotificationTimedOut timedOut => $"was stopped after {timedOut.Timeout.TotalSeconds:0.#} seconds (event_notification_timeout)",
        _ => null,
    };
}
