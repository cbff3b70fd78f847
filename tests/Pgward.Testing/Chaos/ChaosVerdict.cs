namespace Pgward.Testing.Chaos;

/// <summary>What <see cref="ChaosChecker"/> found in one run.</summary>
/// <param name="Primary">The node whose final rows are the truth.</param>
/// <param name="AcknowledgingNodes">Every node that acknowledged a write, in the order of their first acknowledgement.</param>
/// <param name="Lost">Acknowledged ids missing from the final primary.</param>
/// <param name="LostAfterCancelledSyncWait">Acknowledged ids missing from the final primary whose success came with
/// PostgreSQL's warning that the wait for a synchronous standby was cancelled (<see cref="WriteOperation.SyncWaitCancelled"/>):
/// reported, never a failure, since the server itself said the commit might not be replicated.</param>
/// <param name="Duplicated">Ids present more than once on a node.</param>
/// <param name="Phantom">Ids present on a node that no client ever tried to write.</param>
/// <param name="FailedButPresent">Ids whose write was refused before it could commit, found on the primary: the client
/// was told "not written" and it was.</param>
/// <param name="UnknownLanded">Unknown writes found on the primary (allowed).</param>
/// <param name="UnknownMissing">Unknown writes not found (allowed).</param>
/// <param name="LostReads">Rows a reader saw that the final primary does not hold; only <see cref="LostRead.Violation"/>s
/// are problems.</param>
/// <param name="Divergent">Nodes whose final rows differ from the primary's.</param>
/// <param name="LongestAcknowledgementGap">The longest time without an acknowledged write between the first and last
/// acknowledgement (end to end): the write outage.</param>
public sealed record ChaosVerdict(
    string Primary,
    int Attempted,
    int Acknowledged,
    int Failed,
    int Unknown,
    IReadOnlyList<string> AcknowledgingNodes,
    IReadOnlyList<long> Lost,
    IReadOnlyList<long> LostAfterCancelledSyncWait,
    IReadOnlyList<RowOnNode> Duplicated,
    IReadOnlyList<RowOnNode> Phantom,
    IReadOnlyList<long> FailedButPresent,
    int UnknownLanded,
    int UnknownMissing,
    IReadOnlyList<TwoPrimaryInterval> TwoPrimaryIntervals,
    IReadOnlyList<LostRead> LostReads,
    IReadOnlyList<NodeDivergence> Divergent,
    TimeSpan LongestAcknowledgementGap)
{
    /// <summary>Acknowledged ids missing from the final primary whose commit ran with <c>synchronous_commit</c> local or
    /// off: they waited for no standby and no commit lease, so a failover may drop them in every mode. Reported, never a
    /// failure; not in <see cref="Lost"/>.</summary>
    public IReadOnlyList<long> LostLocalCommits { get; init; } = [];

    /// <summary>Acknowledged writes per <c>synchronous_commit</c> (<c>on</c>, <c>local</c>, <c>off</c>), the settings
    /// that occurred only.</summary>
    public IReadOnlyDictionary<string, int> AcknowledgedBySetting { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Every safety violation, one line each; empty when the run is correct.
    /// </summary>
    /// <param name="lossAllowed">True in asynchronous replication, where a failover may drop the last acknowledged
    /// commits (bounded by <c>maximum_lag_on_failover</c>): lost writes and lost reads are then measured, not failures.
    /// Two primaries, duplicates, phantoms and divergence are failures in every mode.</param>
    public IReadOnlyList<string> Problems(bool lossAllowed)
    {
        var problems = new List<string>();
        if (!lossAllowed && Lost.Count > 0)
        {
            problems.Add($"{Lost.Count} acknowledged writes lost: {Sample(Lost)}");
        }
        var lostReads = LostReads.Where(r => r.Violation).ToList();
        if (!lossAllowed && lostReads.Count > 0)
        {
            problems.Add($"{lostReads.Count} rows seen by a reader then lost: {Sample(lostReads)}");
        }
        if (TwoPrimaryIntervals.Count > 0)
        {
            problems.Add($"{TwoPrimaryIntervals.Count} two-primary intervals: {Sample(TwoPrimaryIntervals)}");
        }
        if (Duplicated.Count > 0)
        {
            problems.Add($"{Duplicated.Count} duplicated rows: {Sample(Duplicated.Select(d => $"{d.Id} x{d.Count} on {d.Node}"))}");
        }
        if (Phantom.Count > 0)
        {
            problems.Add($"{Phantom.Count} rows never written: {Sample(Phantom.Select(p => $"{p.Id} on {p.Node}"))}");
        }
        if (FailedButPresent.Count > 0)
        {
            problems.Add($"{FailedButPresent.Count} writes reported failed but present: {Sample(FailedButPresent)}");
        }
        problems.AddRange(Divergent.Select(d =>
            $"{d.Node} differs from primary {Primary}: {d.MissingCount} missing ({Sample(d.Missing)}), {d.ExtraCount} extra ({Sample(d.Extra)})"));
        return problems;
    }

    public bool Passed(bool lossAllowed) => Problems(lossAllowed).Count == 0;

    private static string Sample<T>(IEnumerable<T> items)
    {
        var list = items.Take(11).ToList();
        return string.Join(", ", list.Take(10)) + (list.Count > 10 ? ", ..." : "");
    }
}
