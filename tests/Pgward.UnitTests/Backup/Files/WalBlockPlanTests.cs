using Pgward.Backup.Files;
using Pgward.Backup.Wal.Summary;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class WalBlockPlanTests
{
    [Theory]
    [InlineData("base/16384/16397", 1663u, 16384u, 16397u, 0)]
    [InlineData("base/5/2619.3", 1663u, 5u, 2619u, 3)]
    [InlineData("global/1262", 1664u, 0u, 1262u, 0)]
    [InlineData("pg_tblspc/16500/PG_15_202209061/16384/16501.1", 16500u, 16384u, 16501u, 1)]
    public void A_main_forks_path_names_its_relation_and_segment(string path, uint tablespace, uint database, uint relation, int segment)
    {
        Assert.True(RelationFile.TryParse(path, out var file, out var seg));
        Assert.Equal(new RelFileId(tablespace, database, relation), file);
        Assert.Equal(segment, seg);
    }

    [Theory]
    [InlineData("base/16384/16397_fsm")]
    [InlineData("base/16384/16397_vm")]
    [InlineData("base/16384/16397_init")]
    [InlineData("base/16384/PG_VERSION")]
    [InlineData("pg_xact/0000")]
    [InlineData("base/16384/99999999999")]
    [InlineData("base/16384/16397.99999")]
    public void Other_files_and_numbers_out_of_range_are_no_relation_file(string path) =>
        Assert.False(RelationFile.TryParse(path, out _, out _));

    [Theory]
    [InlineData(8192, 131072, true)]
    [InlineData(16384, 65536, false)]
    [InlineData(8192, 32768, false)]
    [InlineData(null, null, false)]
    public void Only_a_server_of_8_KiB_pages_and_1_GiB_segments_is_planned_by_the_wal(int? blockSize, int? segmentBlocks, bool fits) =>
        Assert.Equal(fits, RelationFile.Fits(new SessionStartReply("s", "0/9000028", 0, [], [], [], 1, false, blockSize, segmentBlocks)));

    [Fact]
    public void A_plan_keeps_the_touched_blocks_of_its_segment_below_the_parents_end()
    {
        var changes = new ForkChanges(null, [3, 7, 131072 + 5, 131072 + 200]);
        var first = WalBlockPlan.For(changes, 0, parentBlocks: 100);
        Assert.Equal([3, 7], first.Blocks);
        Assert.Equal(100, first.ReadFrom);
        var second = WalBlockPlan.For(changes, 1, parentBlocks: 100);
        Assert.Equal([5], second.Blocks);
        Assert.Equal(100, second.ReadFrom);
        Assert.True(second.MustRead(5) && second.MustRead(100) && second.MustRead(5000));
        Assert.False(second.MustRead(4) || second.MustRead(99));
    }

    [Fact]
    public void Blocks_from_a_limit_on_are_all_read_and_a_limit_in_an_earlier_segment_reads_the_whole_file()
    {
        var truncated = new ForkChanges(131072 + 40, [2, 131072 + 10]);
        var first = WalBlockPlan.For(truncated, 0, parentBlocks: 131072);
        Assert.Equal(131072, first.ReadFrom);
        var second = WalBlockPlan.For(truncated, 1, parentBlocks: 60);
        Assert.Equal(40, second.ReadFrom);
        Assert.Equal([10], second.Blocks);
        var created = WalBlockPlan.For(new ForkChanges(0, []), 2, parentBlocks: 60);
        Assert.Equal(0, created.ReadFrom);
        Assert.Empty(created.Blocks);
    }

    [Fact]
    public void An_untouched_fork_reads_only_past_the_parents_end()
    {
        var plan = WalBlockPlan.For(null, 0, parentBlocks: 64);
        Assert.Empty(plan.Blocks);
        Assert.Equal((64L, 128), plan.Reads(128).First());
    }

    [Fact]
    public void Reads_join_blocks_a_short_gap_apart_cap_their_length_and_go_on_from_the_read_from_block()
    {
        var plan = new WalBlockPlan([1, 2, 10, 10 + WalBlockPlan.MaxGap + 2, 200, 201, 260], readFrom: 300);
        var reads = plan.Reads(64).Take(6).ToList();
        Assert.Equal(
            [(1L, 10), (10L + WalBlockPlan.MaxGap + 2, 1), (200L, 2), (260L, 1), (300L, 64), (364L, 64)],
            reads);
        var capped = new WalBlockPlan([0, 5, 10, 15], readFrom: 20).Reads(8).Take(3).ToList();
        Assert.Equal([(0L, 6), (10L, 6), (20L, 8)], capped);
    }

    [Fact]
    public void The_wal_is_read_only_when_it_is_at_most_an_eighth_of_the_table_files_it_spares()
    {
        // After a small change: two segments against 1.5 GB of pgbench_accounts and its index.
        Assert.True(WalBlockPlan.WorthReading(32L << 20, 1500L << 20));
        // After 30 s of pgbench at full speed: 700 MB of full page images against the same.
        Assert.False(WalBlockPlan.WorthReading(700L << 20, 1500L << 20));
        Assert.True(WalBlockPlan.WorthReading(100, 800));
        Assert.False(WalBlockPlan.WorthReading(101, 800));
    }

    [Fact]
    public void Blocks_must_be_ascending() =>
        Assert.Throws<ArgumentException>(() => new WalBlockPlan([4, 2], readFrom: 10));

    [Theory]
    [InlineData(100, 2)]
    [InlineData(9, 1)]
    [InlineData(120, 22)]
    [InlineData(3, 0)]
    public void Blocks_sent_are_the_listed_ones_in_the_file_and_all_from_read_from_to_its_end(int fileBlocks, int sent) =>
        Assert.Equal(sent, new WalBlockPlan([3, 9], readFrom: 100).BlocksSent(fileBlocks));
}
