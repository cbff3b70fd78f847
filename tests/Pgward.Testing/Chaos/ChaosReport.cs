using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pgward.Testing.Chaos;

/// <summary>The runs of a chaos session summed per scenario and replication mode: an aligned text table for people,
/// JSON for RELIABILITY.md and CI, and one verdict line per run.</summary>
public sealed class ChaosReport(IReadOnlyList<ChaosRunResult> runs)
{
    private static readonly string[] Headers =
    [
        "scenario", "mode", "runs", "failed", "faults", "acked", "lost", "lost-warned", "lost-local", "duplicated", "two-primary",
        "failover med/max s", "recovery med/max s", "backup", "seeds",
    ];

    public IReadOnlyList<ChaosRunResult> Runs { get; } = runs;

    public bool Passed => Runs.All(r => r.Passed);

    public IReadOnlyList<ChaosReportRow> Rows => [.. Runs.GroupBy(r => (r.Scenario, r.ReplicationMode)).Select(Row)];

    public IEnumerable<string> VerdictLines => Runs.Select(r => r.VerdictLine());

    /// <summary>One line per row, columns padded to their widest cell; numbers right-aligned.</summary>
    public string ToTable()
    {
        var cells = Rows.Select(Cells).Prepend(Headers).ToList();
        var widths = Enumerable.Range(0, Headers.Length).Select(c => cells.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in cells)
        {
            var padded = row.Select((cell, c) => c is 0 or 1 or 14 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            text.AppendLine(string.Join("  ", padded).TrimEnd());
        }
        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new ChaosReportDocument(Passed, Rows, [.. VerdictLines]), ChaosReportJson.Default.ChaosReportDocument);

    public Task WriteJsonAsync(string path, CancellationToken ct) => File.WriteAllTextAsync(path, ToJson() + "\n", ct);

    private static ChaosReportRow Row(IGrouping<(string Scenario, string Mode), ChaosRunResult> runs)
    {
        var failovers = runs.SelectMany(r => r.FailoverTimes).ToList();
        var recoveries = runs.SelectMany(r => r.RecoveryTimes).ToList();
        return new ChaosReportRow(runs.Key.Scenario, runs.Key.Mode, runs.Count(), runs.Count(r => !r.Passed), runs.Sum(r => r.FaultsInjected),
            runs.Sum(r => (long)r.Verdict.Acknowledged), runs.Sum(r => (long)r.Verdict.Lost.Count),
            runs.Sum(r => (long)r.Verdict.LostAfterCancelledSyncWait.Count), runs.Sum(r => (long)r.Verdict.LostLocalCommits.Count),
            runs.Sum(r => (long)r.Verdict.Duplicated.Count),
            runs.Sum(r => (long)r.Verdict.TwoPrimaryIntervals.Count), Median(failovers), Max(failovers), Median(recoveries), Max(recoveries),
            runs.Any(r => r.Backup is not null) ? runs.Count(r => r.Backup is { Passed: false }) : null, [.. runs.Select(r => r.Seed)]);
    }

    private static string[] Cells(ChaosReportRow row) =>
    [
        row.Scenario, row.ReplicationMode, Number(row.Runs), Number(row.FailedRuns), Number(row.FaultsInjected), Number(row.AcknowledgedWrites),
        Number(row.Lost), Number(row.LostAfterCancelledSyncWait), Number(row.LostLocalCommits), Number(row.Duplicated), Number(row.TwoPrimaryIntervals),
        $"{Seconds(row.FailoverMedianSeconds)}/{Seconds(row.FailoverMaxSeconds)}", $"{Seconds(row.RecoveryMedianSeconds)}/{Seconds(row.RecoveryMaxSeconds)}",
        row.BackupFailures switch { null => "-", 0 => "ok", var failed => $"{failed} bad" }, string.Join(",", row.Seeds),
    ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>The middle value, or the mean of the two middle ones; null when there is none.</summary>
    internal static double? Median(IReadOnlyList<TimeSpan> values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        var sorted = values.Select(v => v.TotalSeconds).Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double? Max(IReadOnlyList<TimeSpan> values) => values.Count == 0 ? null : values.Max(v => v.TotalSeconds);
}
