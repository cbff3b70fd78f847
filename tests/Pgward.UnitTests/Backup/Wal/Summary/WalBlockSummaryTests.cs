using Pgward.Backup.Wal.Summary;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal.Summary;

public sealed class WalBlockSummaryTests
{
    private static readonly RelFileId Table = new(1663, 5, 16384);

    [Fact]
    public void Blocks_come_out_sorted_once_each()
    {
        var summary = new WalBlockSummary();
        foreach (var block in new uint[] { 9, 2, 9, 4_000_000_000, 2, 0 })
        {
            summary.AddBlock(Table, ForkNumber.Main, block);
        }

        var changes = summary.Changes(Table, ForkNumber.Main)!;

        Assert.Null(changes.Limit);
        Assert.Equal([0u, 2u, 9u, 4_000_000_000u], changes.Blocks);
    }

    [Fact]
    public void The_smallest_limit_holds_and_blocks_at_or_past_it_are_left_to_it_whatever_the_order()
    {
        var summary = new WalBlockSummary();
        summary.AddBlock(Table, ForkNumber.Main, 3);
        summary.SetLimit(Table, ForkNumber.Main, 10);
        summary.AddBlock(Table, ForkNumber.Main, 12);
        summary.AddBlock(Table, ForkNumber.Main, 7);
        summary.SetLimit(Table, ForkNumber.Main, 7);
        summary.SetLimit(Table, ForkNumber.Main, 20);

        var changes = summary.Changes(Table, ForkNumber.Main)!;

        Assert.Equal(7u, changes.Limit);
        Assert.Equal([3u], changes.Blocks);
    }

    [Fact]
    public void Forks_and_databases_are_kept_apart()
    {
        var summary = new WalBlockSummary();
        summary.SetLimit(Table, ForkNumber.Init, 0);
        summary.AddBlock(Table, ForkNumber.VisibilityMap, 0);
        summary.AddDatabase(1663, 16400);

        Assert.Equal(2, summary.FileCount);
        Assert.Null(summary.Changes(Table, ForkNumber.Main));
        Assert.Null(summary.Changes(Table with { RelFile = 16385 }, ForkNumber.Init));
        Assert.True(summary.DatabaseChanged(1663, 16400));
        Assert.False(summary.DatabaseChanged(1663, 5));
        Assert.Equal([new RelationFork(Table, ForkNumber.VisibilityMap), new RelationFork(Table, ForkNumber.Init)], summary.Forks.OrderBy(f => f.Fork));
    }
}
