using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Rejoin;

/// <summary>What <c>pg_rewind --dry-run</c> found, read from its messages (PostgreSQL 13-17 wording).</summary>
public sealed partial record RewindProbe(RewindProbeResult Result, Lsn? DivergedAt, int? DivergedOnTimeline, string Message)
{
    /// <summary>Reads pg_rewind's exit status and its combined output.</summary>
    public static RewindProbe Parse(bool succeeded, string output)
    {
        var diverged = DivergedPattern().Match(output);
        Lsn? at = diverged.Success && Lsn.TryParse(diverged.Groups[1].Value, out var lsn) ? lsn : null;
        int? timeline = diverged.Success ? int.Parse(diverged.Groups[2].Value, CultureInfo.InvariantCulture) : null;
        var result = Classify(succeeded, output);
        var message = result is RewindProbeResult.Failed or RewindProbeResult.NoHints or RewindProbeResult.MissingWal
            ? ErrorLines(output)
            : output.Trim();
        return new RewindProbe(result, at, timeline, message);
    }

    private static RewindProbeResult Classify(bool succeeded, string output)
    {
        if (succeeded)
        {
            return output.Contains("no rewind required", StringComparison.Ordinal)
                ? RewindProbeResult.NoRewindRequired
                : RewindProbeResult.RewindRequired;
        }
        if (output.Contains("target server must be shut down cleanly", StringComparison.Ordinal))
        {
            return RewindProbeResult.NotShutDownCleanly;
        }
        if (output.Contains("data checksums or \"wal_log_hints = on\"", StringComparison.Ordinal))
        {
            return RewindProbeResult.NoHints;
        }
        // The WAL between the last common checkpoint and the fork must still be in the target's pg_wal.
        if (output.Contains("could not find previous WAL record", StringComparison.Ordinal)
            || output.Contains("could not read WAL record", StringComparison.Ordinal)
            || output.Contains("could not find common ancestor", StringComparison.Ordinal)
            || (output.Contains("could not open file", StringComparison.Ordinal) && output.Contains("pg_wal", StringComparison.Ordinal)))
        {
            return RewindProbeResult.MissingWal;
        }
        return RewindProbeResult.Failed;
    }

    private static string ErrorLines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains("error:", StringComparison.Ordinal) || l.Contains("fatal:", StringComparison.Ordinal)
                || l.Contains("could not", StringComparison.Ordinal))
            .ToList();
        return lines.Count > 0 ? string.Join('\n', lines) : output.Trim();
    }

    [GeneratedRegex(@"servers diverged at WAL location ([0-9A-Fa-f]+/[0-9A-Fa-f]+) on timeline (\d+)")]
    private static partial Regex DivergedPattern();
}
