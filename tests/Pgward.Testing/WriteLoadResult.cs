namespace Pgward.Testing;

/// <param name="Acknowledged">Ids whose INSERT returned success: each must be found afterwards.</param>
/// <param name="Unknown">Ids whose commit answer was lost: they may or may not exist.</param>
/// <param name="Failed">Attempts that failed before a write could commit (connection refused, read-only server).</param>
/// <param name="LongestGap">The longest time between two consecutive acknowledged writes: the write outage.</param>
public sealed record WriteLoadResult(IReadOnlyList<long> Acknowledged, IReadOnlyList<long> Unknown, long Failed, TimeSpan LongestGap);
