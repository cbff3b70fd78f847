namespace Pgward.Testing.Chaos;

/// <summary>Everything the clients of one run did, on the run's monotonic clock (zero at the workload's start).</summary>
/// <param name="Writes">Every write attempt, in the order they ended.</param>
/// <param name="Reads">Every read that returned rows, in the order they ended.</param>
public sealed record ChaosHistory(IReadOnlyList<WriteOperation> Writes, IReadOnlyList<ReadObservation> Reads)
{
    public static ChaosHistory Empty { get; } = new([], []);

    public IEnumerable<WriteOperation> Acknowledged => Writes.Where(w => w.Outcome == WriteOutcome.Acknowledged);

    /// <summary>
    /// The first write acknowledged after <paramref name="after"/> by a node other than <paramref name="exceptNode"/>:
    /// when a nemesis kills the primary at time T, <c>FirstAcknowledgedAfter(T, oldPrimary)</c> is when writes resumed.
    /// </summary>
    public WriteOperation? FirstAcknowledgedAfter(TimeSpan after, string? exceptNode = null) =>
        Acknowledged.Where(w => w.Start >= after && w.Node != exceptNode).MinBy(w => w.End);
}
