using Pgward.Cluster.Matrix;

namespace Pgward.UnitTests.Cluster.Matrix;

/// <summary>Builds matrices from rows written like <c>"**x"</c>: one character per target node 1..n, <c>?</c> for a missing probe.</summary>
internal static class MatrixBuilder
{
    public static MatrixRow Row(int id, string cells) => new(id, $"node{id}",
        [.. cells.Select((c, i) => (c, target: i + 1)).Where(x => x.c != '?')
            .Select(x => new LinkProbe(x.target, x.c == '*', x.c == '*' ? null : $"node{id} to node{x.target} refused"))]);

    public static MatrixRow Unknown(int id) => MatrixRow.Unknown(id, $"node{id}", $"agent of node{id} unreachable");

    public static ConnectivityMatrix Of(params MatrixRow[] rows) => new(rows);
}
