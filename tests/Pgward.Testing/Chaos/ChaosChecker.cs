namespace Pgward.Testing.Chaos;

/// <summary>
/// Judges one run from its history and the final rows of every node, read once the cluster is healthy and the standbys
/// have replayed everything. Pure: no server, no clock.
/// </summary>
public static class ChaosChecker
{
    private const int ShownPerDivergence = 20;

    /// <param name="primary">The node that is primary at the end: its rows are the truth every other check compares with.</param>
    /// <param name="finalRows">The final rows of every node that is up, the primary's included.</param>
    public static ChaosVerdict Check(ChaosHistory history, string primary, IReadOnlyList<NodeRows> finalRows)
    {
        var primaryRows = finalRows.FirstOrDefault(n => n.Node == primary)
            ?? throw new ArgumentException($"no final rows for the primary '{primary}': give the rows of every node, the primary's included "
                + $"(given: {string.Join(", ", finalRows.Select(n => n.Node))})", nameof(finalRows));
        var onPrimary = primaryRows.Ids.ToHashSet();
        var writes = history.Writes;
        var attempted = writes.Select(w => w.Id).ToHashSet();
        var acknowledged = writes.Where(w => w.Outcome == WriteOutcome.Acknowledged).ToList();
        var unknown = writes.Where(w => w.Outcome == WriteOutcome.Unknown).ToList();
        var failed = writes.Where(w => w.Outcome == WriteOutcome.Failed).ToList();
        var confirmed = acknowledged.Where(w => !w.SyncWaitCancelled).Select(w => w.Id).ToHashSet();
        // A commit with synchronous_commit local or off waited for no standby and no commit lease: no failover tool can
        // keep it, so its loss is counted apart. It still counts as a write its node took, for the two-primary rule.
        var waited = acknowledged.Where(w => w.SynchronousCommit.WaitsForStandby()).ToList();
        var local = writes.Where(w => !w.SynchronousCommit.WaitsForStandby()).Select(w => w.Id).ToHashSet();
        return new ChaosVerdict(
            Primary: primary,
            Attempted: writes.Count,
            Acknowledged: acknowledged.Count,
            Failed: failed.Count,
            Unknown: unknown.Count,
            AcknowledgingNodes: [.. acknowledged.OrderBy(w => w.End).Select(w => w.Node!).Distinct()],
            Lost: [.. waited.Where(w => !w.SyncWaitCancelled && !onPrimary.Contains(w.Id)).Select(w => w.Id).Order()],
            LostAfterCancelledSyncWait: [.. waited.Where(w => w.SyncWaitCancelled && !onPrimary.Contains(w.Id)).Select(w => w.Id).Order()],
            Duplicated: [.. finalRows.SelectMany(Duplicates)],
            Phantom: [.. finalRows.SelectMany(n => n.Ids.Where(id => !attempted.Contains(id)).Distinct().Order().Select(id => new RowOnNode(n.Node, id)))],
            FailedButPresent: [.. failed.Where(w => onPrimary.Contains(w.Id)).Select(w => w.Id).Order()],
            UnknownLanded: unknown.Count(w => onPrimary.Contains(w.Id)),
            UnknownMissing: unknown.Count(w => !onPrimary.Contains(w.Id)),
            // A commit PostgreSQL acknowledged only with the "canceling wait for synchronous replication" warning did not
            // pass the gate that holds commits back (sync standbys, the commit lease): the client's timeout let it out.
            // It counts as lost-warned when lost, never as a second primary's write.
            TwoPrimaryIntervals: TwoPrimaryIntervals.Find(writes.Where(w => !w.SyncWaitCancelled)),
            LostReads: [.. history.Reads.SelectMany(r => r.Ids.Where(id => !onPrimary.Contains(id))
                .Select(id => new LostRead(id, r.Node, r.FromStandby, r.At, !confirmed.Contains(id), local.Contains(id))))],
            Divergent: [.. finalRows.Where(n => n.Node != primary).Select(n => Divergence(n, onPrimary)).OfType<NodeDivergence>()],
            LongestAcknowledgementGap: LongestGap(acknowledged))
        {
            LostLocalCommits = [.. acknowledged.Where(w => !w.SynchronousCommit.WaitsForStandby() && !onPrimary.Contains(w.Id)).Select(w => w.Id).Order()],
            AcknowledgedBySetting = acknowledged.GroupBy(w => w.SynchronousCommit).OrderBy(g => g.Key).ToDictionary(g => g.Key.Setting(), g => g.Count()),
        };
    }

    private static IEnumerable<RowOnNode> Duplicates(NodeRows rows) =>
        rows.Ids.GroupBy(id => id).Where(g => g.Count() > 1).OrderBy(g => g.Key).Select(g => new RowOnNode(rows.Node, g.Key, g.Count()));

    private static NodeDivergence? Divergence(NodeRows rows, HashSet<long> onPrimary)
    {
        var onNode = rows.Ids.ToHashSet();
        var missing = onPrimary.Where(id => !onNode.Contains(id)).Order().ToList();
        var extra = onNode.Where(id => !onPrimary.Contains(id)).Order().ToList();
        return missing.Count == 0 && extra.Count == 0
            ? null
            : new NodeDivergence(rows.Node, missing.Count, extra.Count, [.. missing.Take(ShownPerDivergence)], [.. extra.Take(ShownPerDivergence)]);
    }

    private static TimeSpan LongestGap(List<WriteOperation> acknowledged)
    {
        var ends = acknowledged.Select(w => w.End).Order().ToList();
        return ends.Count < 2 ? TimeSpan.Zero : ends.Zip(ends.Skip(1), (a, b) => b - a).Max();
    }
}
