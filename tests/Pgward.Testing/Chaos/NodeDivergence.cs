namespace Pgward.Testing.Chaos;

/// <summary>A node whose final rows differ from the primary's once the cluster has converged.</summary>
/// <param name="Missing">Ids the primary holds and the node does not (at most 20 shown).</param>
/// <param name="Extra">Ids the node holds and the primary does not (at most 20 shown).</param>
public sealed record NodeDivergence(string Node, int MissingCount, int ExtraCount, IReadOnlyList<long> Missing, IReadOnlyList<long> Extra);
