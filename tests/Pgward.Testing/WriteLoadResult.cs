namespace Pgward.Testing;

/// <param name="Acknowledged">Ids whose INSERT returned success: each must be found afterwards.</param>
/// <param name="Unknown">Ids whose commit answer was lost: they may or may not exist.</param>
/// <param name="Failed">Attempts that failed before a write could commit (connection refused, read-only server).</param>
/// <param name="LongestGap">The longest time between two consecutive acknowledged writes: the write outage.</param>
public sealed record WriteLoadResult(IReadOnlyList<long> Acknowledged, IReadOnlyList<long> Unknown, long Failed, TimeSpan LongestGap)
{
    /// <summary>Each acknowledged write with the server port that acknowledged it and when (a monotonic clock).</summary>
    public IReadOnlyList<(long Id, int Port, TimeSpan At)> AcknowledgedBy { get; init; } = [];

    /// <summary>
    /// Where a server acknowledged a write after another server had started acknowledging: two primaries took writes
    /// in overlapping periods. Empty when each server's acknowledgements form one unbroken run.
    /// </summary>
    public IReadOnlyList<string> InterleavedPrimaries()
    {
        var finished = new HashSet<int>();
        var problems = new List<string>();
        for (var i = 1; i < AcknowledgedBy.Count; i++)
        {
            var (previous, current) = (AcknowledgedBy[i - 1], AcknowledgedBy[i]);
            if (previous.Port == current.Port)
            {
                continue;
            }
            finished.Add(previous.Port);
            if (finished.Contains(current.Port))
            {
                problems.Add($"row {current.Id} acknowledged by port {current.Port} after port {previous.Port} had taken over (row {previous.Id})");
            }
        }
        return problems;
    }
}
