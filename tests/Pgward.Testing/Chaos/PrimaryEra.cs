namespace Pgward.Testing.Chaos;

/// <summary>A node acknowledging writes on one timeline. A node promoted again later starts a new era on a higher
/// timeline; two eras taking writes at once is a split brain.</summary>
public sealed record PrimaryEra(string Node, int? Timeline)
{
    public override string ToString() => Timeline is { } timeline ? $"{Node} (timeline {timeline})" : Node;
}
