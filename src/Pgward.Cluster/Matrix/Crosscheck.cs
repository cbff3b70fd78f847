namespace Pgward.Cluster.Matrix;

/// <summary>
/// <c>cluster crosscheck</c>'s merge: the matrix gathered from this host plus the matrix every agent gathered from
/// its own host, cell by cell.
/// </summary>
/// <remarks>
/// Why and what: a row A→* can only ever come from A's agent (only A can say what A reaches), but the path that
/// carries it can break: this host may not reach A's agent while node B's agent does. repmgr's crosscheck has every
/// node run the matrix over SSH and keeps the best answer per cell; here every agent relays the rows it can fetch.
/// For each cell (A→B) the candidates are the rows for A from every view (this host's and each observer's):
/// <list type="bullet">
/// <item>a row nobody fetched stays unknown (<c>?</c>) and is named in a warning;</item>
/// <item>among fetched rows, a failed probe beats a successful one. The rows are all A's own probes, taken moments
/// apart: a link that failed in any of them flaps, and hiding that behind a later success (repmgr keeps the best
/// status) would let an exit code of 0 cover it;</item>
/// <item>the other direction (B→A) is not used: B reaching A's PostgreSQL says nothing about A reaching B's.</item>
/// </list>
/// The nodes (rows and columns) are those of this host's metadata; a view's rows for other nodes are ignored.
/// </remarks>
public static class Crosscheck
{
    public static CrosscheckResult Merge(ConnectivityMatrix own, IReadOnlyList<ObserverView> observers)
    {
        var warnings = new List<string>();
        var targets = own.Rows.Select(r => r.NodeId).ToList();
        var rows = new List<MatrixRow>();
        foreach (var row in own.Rows)
        {
            var relayed = observers
                .Select(o => (o.NodeId, Row: o.View?.Rows.FirstOrDefault(r => r.NodeId == row.NodeId)))
                .Where(o => o.Row?.Links is not null)
                .ToList();
            var known = (row.Links is null ? [] : new[] { row }).Concat(relayed.Select(o => o.Row!)).ToList();
            if (known.Count == 0)
            {
                warnings.Add($"node {row.NodeId} inaccessible via its agent: {row.Error}");
                rows.Add(row);
                continue;
            }
            if (row.Links is null)
            {
                var via = string.Join(", ", relayed.Select(o => $"node {o.NodeId}"));
                warnings.Add($"node {row.NodeId} inaccessible via its agent from this host ({row.Error}); its row was relayed by {via}");
            }
            rows.Add(new MatrixRow(row.NodeId, row.NodeName, [.. targets.SelectMany(t => MergeCell(known, t))]));
        }
        // An observer whose own row is unknown has its warning already; one that answered /connectivity but not
        // /connectivity/matrix is worth its own.
        var answered = own.Rows.Where(r => r.Links is not null).Select(r => r.NodeId).ToHashSet();
        foreach (var observer in observers.Where(o => o.View is null && answered.Contains(o.NodeId)))
        {
            warnings.Add($"node {observer.NodeId} could not relay its view of the cluster: {observer.Error}");
        }
        return new CrosscheckResult(new ConnectivityMatrix(rows), warnings);
    }

    private static IEnumerable<LinkProbe> MergeCell(IReadOnlyList<MatrixRow> known, int targetId)
    {
        var probes = known.Select(r => r.Links!.FirstOrDefault(l => l.TargetId == targetId)).OfType<LinkProbe>().ToList();
        if (probes.FirstOrDefault(p => !p.Ok) is { } failed)
        {
            return [failed];
        }
        return probes.Take(1);
    }
}
