namespace Pgward.Testing.Chaos;

/// <summary>The final content of the workload's table on one node, duplicates kept.</summary>
/// <param name="Node">The node's name as the workload records it (<see cref="ChaosTable.NodeExpression"/>).</param>
public sealed record NodeRows(string Node, IReadOnlyList<long> Ids);
