using Pgward.Backup.Wal.Summary;
using Xunit;
using static Pgward.UnitTests.Backup.Wal.Summary.WalRecordLayoutTests;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>The records that change relation files without naming their blocks: forks created and truncated,
/// databases made and dropped, relations dropped at commit or abort; and records a summary cannot follow.</summary>
public sealed class WalSpecialRecordTests
{
    private static readonly RelFileId Table = new(1663, 5, 16384);
    private static readonly RelFileId Other = new(16500, 5, 16402);

    /// <summary><c>XLR_SPECIAL_REL_UPDATE</c>, set on every record below as PostgreSQL sets it.</summary>
    private const byte Special = 0x01;

    [Fact]
    public void A_created_fork_is_taken_whole()
    {
        var summary = SummarizeOne(
            Touch(ResourceManager.Heap2, Table, ForkNumber.VisibilityMap, 0),
            new TestRecord(ResourceManager.Storage, 0x10 | Special).Main(TestMainData.SmgrCreate(Table, ForkNumber.VisibilityMap)),
            Touch(ResourceManager.Heap2, Table, ForkNumber.VisibilityMap, 0));

        AssertChanges(summary.Changes(Table, ForkNumber.VisibilityMap), 0);
        Assert.Null(summary.Changes(Table, ForkNumber.Main));
    }

    [Fact]
    public void A_truncation_limits_the_heap_at_its_block_and_takes_both_maps_whole()
    {
        var summary = SummarizeOne(
            Touch(ResourceManager.Btree, Table, ForkNumber.Main, 3),
            Touch(ResourceManager.Btree, Table, ForkNumber.Main, 20),
            new TestRecord(ResourceManager.Storage, 0x20 | Special).Main(TestMainData.SmgrTruncate(17, Table, 7)),
            new TestRecord(ResourceManager.Storage, 0x20 | Special).Main(TestMainData.SmgrTruncate(4, Other, 1)));

        AssertChanges(summary.Changes(Table, ForkNumber.Main), 17, 3);
        AssertChanges(summary.Changes(Table, ForkNumber.VisibilityMap), 0);
        AssertChanges(summary.Changes(Table, ForkNumber.Fsm), 0);
        AssertChanges(summary.Changes(Other, ForkNumber.Main), 4);
        Assert.Null(summary.Changes(Other, ForkNumber.VisibilityMap));
    }

    [Fact]
    public void Databases_made_copied_and_dropped_are_changed_as_a_whole()
    {
        var summary = SummarizeOne(
            new TestRecord(ResourceManager.Database, 0x00 | Special).Main(TestMainData.DatabaseCreateFileCopy(16398, 1663, 1, 1663)),
            new TestRecord(ResourceManager.Database, 0x10 | Special).Main(TestMainData.DatabaseCreateWalLog(16399, 16500)),
            new TestRecord(ResourceManager.Database, 0x20 | Special).Main(TestMainData.DatabaseDrop(16397, 1663, 16500)));

        Assert.True(summary.DatabaseChanged(1663, 16398));
        Assert.False(summary.DatabaseChanged(1663, 1));
        Assert.True(summary.DatabaseChanged(16500, 16399));
        Assert.True(summary.DatabaseChanged(1663, 16397));
        Assert.True(summary.DatabaseChanged(16500, 16397));
        Assert.Equal(4, summary.Databases.Count());
        Assert.Equal(0, summary.FileCount);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x20)]
    [InlineData(0x30)]
    [InlineData(0x40)]
    public void Relations_dropped_at_commit_or_abort_are_taken_whole_in_every_fork(byte operation)
    {
        // Every part before the relations, and what comes after them (invalidations, the two-phase xid).
        var xinfo = 1u | 2u | 4u | (1u << 3) | (1u << 4);
        var data = TestMainData.Transaction(xinfo, subtransactions: [801, 802, 803], dropped: [Table, Other], trailer: new byte[40]);
        var summary = SummarizeOne(
            Touch(ResourceManager.Btree, Table, ForkNumber.Main, 9),
            new TestRecord(ResourceManager.Transaction, (byte)(operation | 0x80 | Special)).Main(data));

        foreach (var file in new[] { Table, Other })
        {
            foreach (var fork in Enum.GetValues<ForkNumber>())
            {
                AssertChanges(summary.Changes(file, fork), 0);
            }
        }
    }

    [Fact]
    public void Transaction_records_that_drop_nothing_change_nothing()
    {
        var summary = SummarizeOne(
            new TestRecord(ResourceManager.Transaction, 0x00).Main(new byte[8]),
            new TestRecord(ResourceManager.Transaction, 0x80).Main(TestMainData.Transaction(1u | 2u, subtransactions: [5])),
            // A PREPARE lists the relations its COMMIT PREPARED or ABORT PREPARED will drop (and names them again).
            new TestRecord(ResourceManager.Transaction, 0x10).Main(new byte[3]),
            new TestRecord(ResourceManager.Transaction, 0x50).Main(new byte[2]));

        Assert.Equal(0, summary.FileCount);
    }

    [Fact]
    public void A_record_that_changes_files_in_a_way_not_known_is_a_problem()
    {
        foreach (var record in new[]
        {
            new TestRecord(ResourceManager.Heap, 0x30 | Special).Main([1, 2, 3, 4]),
            new TestRecord(ResourceManager.Storage, 0x30 | Special).Main([1, 2, 3, 4]),
            new TestRecord(ResourceManager.Database, 0x30 | Special).Main([1, 2, 3, 4]),
            new TestRecord((ResourceManager)140, 0x10 | Special).Main([1]),
        })
        {
            Assert.Contains("changes relation files in a way a summary does not know", Problem(record), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Main_data_too_short_for_its_record_is_a_problem()
    {
        Assert.Contains("too short for xl_smgr_create", Problem(new TestRecord(ResourceManager.Storage, 0x10 | Special).Main(new byte[12])), StringComparison.Ordinal);
        Assert.Contains("too short for xl_smgr_truncate", Problem(new TestRecord(ResourceManager.Storage, 0x20 | Special).Main(new byte[16])), StringComparison.Ordinal);
        var drop = TestMainData.DatabaseDrop(5, 1663, 1664);
        drop[4] = 3;
        Assert.Contains("names 3 tablespaces but holds fewer", Problem(new TestRecord(ResourceManager.Database, 0x20 | Special).Main(drop)), StringComparison.Ordinal);
        Assert.Contains("drops 2 relations but names fewer", Problem(new TestRecord(ResourceManager.Transaction, 0x80 | Special).Main(TestMainData.Transaction(4u, dropped: [Table, Other])[..^4])), StringComparison.Ordinal);
        Assert.Contains("creates fork 7", Problem(new TestRecord(ResourceManager.Storage, 0x10 | Special).Main(TestMainData.SmgrCreate(Table, (ForkNumber)7))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_restart_with_wal_level_minimal_is_a_problem_and_other_levels_are_not()
    {
        Assert.Contains("wal_level = minimal", Problem(new TestRecord(ResourceManager.Xlog, 0x60).Main(TestMainData.ParameterChange(0))), StringComparison.Ordinal);
        Assert.Equal(0, SummarizeOne(new TestRecord(ResourceManager.Xlog, 0x60).Main(TestMainData.ParameterChange(1))).FileCount);
    }

    private static TestRecord Touch(ResourceManager resourceManager, RelFileId file, ForkNumber fork, uint block) =>
        new TestRecord(resourceManager, 0x00).Block(0, file, fork, block, data: [1]);

    private static void AssertChanges(ForkChanges? changes, uint limit, params uint[] blocks)
    {
        Assert.NotNull(changes);
        Assert.Equal(limit, changes.Limit);
        Assert.Equal(blocks, changes.Blocks);
    }

    private static string Problem(TestRecord record)
    {
        var wal = new TestWal();
        var lsn = wal.Append(record);
        var result = WalSummarizer.Summarize(wal.Segments(), wal.Start, TestWal.SegmentSize, lsn, wal.Position);
        return Assert.IsType<string>(result.Problem);
    }
}
