using System.Collections.Concurrent;
using Pgward.Cluster;

namespace Pgward.Agent.Metrics;

/// <summary>The events an agent recorded since it started, by name and success (fed by <see cref="Cluster.Events.EventRecorder.Observe"/>).</summary>
public sealed class EventCounts
{
    private readonly ConcurrentDictionary<(string Event, bool Success), long> counts = new();

    public void Record(ClusterEvent e) => counts.AddOrUpdate((e.Event, e.Success), 1, (_, n) => n + 1);

    /// <summary>Every event name and success seen so far, with its count.</summary>
    public IReadOnlyList<(string Event, bool Success, long Count)> Snapshot() =>
        [.. counts.Select(c => (c.Key.Event, c.Key.Success, c.Value)).OrderBy(c => c.Event, StringComparer.Ordinal).ThenBy(c => c.Success)];
}
