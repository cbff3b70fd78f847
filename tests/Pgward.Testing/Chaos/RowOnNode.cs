namespace Pgward.Testing.Chaos;

/// <summary>A row id found on a node, <paramref name="Count"/> times.</summary>
public sealed record RowOnNode(string Node, long Id, int Count = 1);
