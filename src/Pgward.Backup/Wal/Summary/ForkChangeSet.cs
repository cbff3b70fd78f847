namespace Pgward.Backup.Wal.Summary;

/// <summary>The changes to one fork as they are gathered: a limit (the smallest seen) and every block touched, in no
/// order. Blocks at or past the limit are kept and left out only by <see cref="ToChanges"/>, so the order in which
/// records set limits and touch blocks does not matter.</summary>
internal sealed class ForkChangeSet
{
    private readonly HashSet<uint> _blocks = [];

    public uint? Limit { get; private set; }

    public void Add(uint block) => _blocks.Add(block);

    public void LowerLimit(uint limit) => Limit = Limit is { } current ? Math.Min(current, limit) : limit;

    public ForkChanges ToChanges()
    {
        var blocks = Limit is { } limit ? _blocks.Where(b => b < limit).ToList() : [.. _blocks];
        blocks.Sort();
        return new ForkChanges(Limit, blocks);
    }
}
