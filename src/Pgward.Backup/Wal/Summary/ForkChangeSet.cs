namespace Pgward.Backup.Wal.Summary;

/// <summary>The changes to one fork as they are gathered: a limit (the smallest seen) and every block touched, in no
/// order. Blocks at or past the limit are kept and left out only by <see cref="ToChanges"/>, so the order in which
/// records set limits and touch blocks does not matter. <see cref="ToChanges"/> sorts once until the next change: an
/// incremental asks for a table's changes once per 1 GiB segment file.</summary>
internal sealed class ForkChangeSet
{
    private readonly HashSet<uint> _blocks = [];
    private ForkChanges? _sorted;

    public uint? Limit { get; private set; }

    public void Add(uint block)
    {
        if (_blocks.Add(block))
        {
            _sorted = null;
        }
    }

    public void LowerLimit(uint limit)
    {
        Limit = Limit is { } current ? Math.Min(current, limit) : limit;
        _sorted = null;
    }

    public ForkChanges ToChanges()
    {
        if (_sorted is null)
        {
            var blocks = Limit is { } limit ? _blocks.Where(b => b < limit).ToList() : [.. _blocks];
            blocks.Sort();
            _sorted = new ForkChanges(Limit, blocks);
        }
        return _sorted;
    }
}
