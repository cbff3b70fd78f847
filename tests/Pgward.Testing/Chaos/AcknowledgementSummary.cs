using System.Globalization;

namespace Pgward.Testing.Chaos;

/// <summary>Who acknowledged writes in a span of a run, per node and <c>synchronous_commit</c>, for the run's log: shows
/// an old primary that went on taking local commits, or a write gap where a failover should have been.</summary>
public static class AcknowledgementSummary
{
    /// <summary>E.g. <c>node1 on 0 local 41 off 38, node2 on 120 local 95 off 101</c>; <c>none</c> when nothing was
    /// acknowledged. A write counts when it ended within [from, to].</summary>
    public static string Between(ChaosHistory history, TimeSpan from, TimeSpan to)
    {
        var acknowledged = history.Acknowledged.Where(w => w.End >= from && w.End <= to).ToList();
        if (acknowledged.Count == 0)
        {
            return "none";
        }
        var settings = acknowledged.Select(w => w.SynchronousCommit).Distinct().Order().ToList();
        return string.Join(", ", acknowledged.GroupBy(w => w.Node!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(node =>
            node.Key + string.Concat(settings.Select(s => string.Create(CultureInfo.InvariantCulture, $" {s.Setting()} {node.Count(w => w.SynchronousCommit == s)}")))));
    }

    /// <summary>The writes not acknowledged that ended within [from, to], per outcome, setting and error, the most
    /// frequent first (at most <paramref name="kinds"/>): <c>12 unknown on (Timeout during reading attempt)</c>.</summary>
    public static string FailuresBetween(ChaosHistory history, TimeSpan from, TimeSpan to, int kinds = 4)
    {
        var failures = history.Writes.Where(w => w.Outcome != WriteOutcome.Acknowledged && w.End >= from && w.End <= to)
            .GroupBy(w => (w.Outcome, w.SynchronousCommit, Error: Shorten(w.Error)))
            .OrderByDescending(g => g.Count())
            .ToList();
        return failures.Count == 0
            ? "none"
            : string.Join(", ", failures.Take(kinds).Select(g => string.Create(CultureInfo.InvariantCulture,
                $"{g.Count()} {g.Key.Outcome.ToString().ToLowerInvariant()} {g.Key.SynchronousCommit.Setting()} ({g.Key.Error})")))
                + (failures.Count > kinds ? ", ..." : "");
    }

    private static string Shorten(string? error) => error is null ? "" : error.Length <= 70 ? error : error[..70];
}
