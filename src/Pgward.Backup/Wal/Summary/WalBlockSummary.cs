namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// Which relation blocks a range of WAL touched, and which forks and database directories it made, cut short or
/// removed wholesale (PostgreSQL 17's block reference table, <c>blkreftable.c</c>). An incremental backup takes a block
/// again when <see cref="Changes"/> names it or it is at or past the fork's limit, and every file of a database for
/// which <see cref="DatabaseChanged"/> is true.
/// </summary>
public sealed class WalBlockSummary
{
    private readonly Dictionary<RelationFork, ForkChangeSet> _forks = [];
    private readonly HashSet<(uint Tablespace, uint Database)> _databases = [];

    /// <summary>Relation forks with any change.</summary>
    public int FileCount => _forks.Count;

    /// <summary>Every relation fork with a change, in no particular order.</summary>
    public IEnumerable<RelationFork> Forks => _forks.Keys;

    /// <summary>Every database directory made, copied or dropped as a whole, in no particular order.</summary>
    public IEnumerable<(uint Tablespace, uint Database)> Databases => _databases;

    public void AddBlock(RelFileId file, ForkNumber fork, uint block) => Fork(file, fork).Add(block);

    /// <summary>Every block of the fork at or past <paramref name="limit"/> changed; keeps the smallest limit seen.</summary>
    public void SetLimit(RelFileId file, ForkNumber fork, uint limit) => Fork(file, fork).LowerLimit(limit);

    /// <summary>A whole database directory was made, copied or dropped: <c>CREATE DATABASE ... STRATEGY FILE_COPY</c>
    /// copies files without a record per relation, so nothing about their blocks is known.</summary>
    public void AddDatabase(uint tablespace, uint database) => _databases.Add((tablespace, database));

    public bool DatabaseChanged(uint tablespace, uint database) => _databases.Contains((tablespace, database));

    /// <summary>Takes in every change <paramref name="other"/> holds: afterwards this summary is what one summary of
    /// both ranges would be (a fork's blocks past its limit are left out either way, and the smallest limit kept).</summary>
    public void Add(WalBlockSummary other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (fork, changes) in other._forks)
        {
            var into = Fork(fork.File, fork.Fork);
            var theirs = changes.ToChanges();
            if (theirs.Limit is { } limit)
            {
                into.LowerLimit(limit);
            }
            foreach (var block in theirs.Blocks)
            {
                into.Add(block);
            }
        }
        _databases.UnionWith(other._databases);
    }

    /// <summary>The fork's changes, or null when nothing in the range touched it.</summary>
    public ForkChanges? Changes(RelFileId file, ForkNumber fork) =>
        _forks.TryGetValue(new RelationFork(file, fork), out var changes) ? changes.ToChanges() : null;

    private ForkChangeSet Fork(RelFileId file, ForkNumber fork)
    {
        var key = new RelationFork(file, fork);
        if (!_forks.TryGetValue(key, out var changes))
        {
            changes = new ForkChangeSet();
            _forks.Add(key, changes);
        }
        return changes;
    }
}
