using System.Buffers.Binary;
using Pgward.Cluster.Backups;
using Xunit;

namespace Pgward.UnitTests.Cluster.Backups;

/// <summary>Table pages built as PostgreSQL 15 lays them out: a primary's page and a standby's copy (command ids,
/// combo-CID flag, checksum, free space and padding apart) hash alike; any logged difference does not.</summary>
public sealed class PageMaskTests
{
    private const int TupleLength = 61; // 24-byte header (t_hoff) and 37 bytes of data: not MAXALIGNed, so padded
    private static readonly int[] TupleOffsets = [8192 - 64, 8192 - 128, 8192 - 192];

    /// <summary>A heap page of three tuples written by command 5 of transaction 1000, with a checksum and garbage in
    /// its free space.</summary>
    internal static byte[] HeapPage(ushort special = 8192)
    {
        var page = new byte[8192];
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(20), 1200);     // pd_prune_xid
        BinaryPrimitives.WriteUInt64LittleEndian(page, 0x0000_0001_0200_0028); // pd_lsn
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(8), 0xBEEF);      // pd_checksum
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(10), 0x0004);     // PD_ALL_VISIBLE
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(12), 24 + 4 * 3); // pd_lower
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(14), (ushort)TupleOffsets[^1]);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(16), special);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(18), 8192 | 4);
        for (var i = 0; i < TupleOffsets.Length; i++)
        {
            var offset = TupleOffsets[i];
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(24 + 4 * i), (uint)(offset | (1 << 15) | (TupleLength << 17)));
            var tuple = page.AsSpan(offset, 64);
            BinaryPrimitives.WriteUInt32LittleEndian(tuple, 1000);     // t_xmin
            BinaryPrimitives.WriteUInt32LittleEndian(tuple[8..], 5);   // t_cid
            BinaryPrimitives.WriteUInt16LittleEndian(tuple[16..], (ushort)(i + 1)); // t_ctid's offset
            BinaryPrimitives.WriteUInt16LittleEndian(tuple[18..], 2);  // t_infomask2: 2 attributes
            BinaryPrimitives.WriteUInt16LittleEndian(tuple[20..], 0x0800 | 0x0020); // HEAP_XMAX_INVALID, HEAP_COMBOCID
            tuple[22] = 24;                                            // t_hoff
            tuple.Slice(24, TupleLength - 24).Fill((byte)('a' + i));
            tuple.Slice(TupleLength, 64 - TupleLength).Fill(0x7F);     // padding
        }
        page.AsSpan(40, 100).Fill(0x55); // free space left by a compaction
        return page;
    }

    private static ulong Hash(byte[] page) => PageMask.Hashes(page, new byte[8192]).Strict;

    private static ulong Loose(byte[] page) => PageMask.Hashes(page, new byte[8192]).Loose;

    private static byte[] WithInfomask(byte[] page, ushort set, ushort clear = 0)
    {
        var changed = (byte[])page.Clone();
        foreach (var offset in TupleOffsets)
        {
            var infomask = BinaryPrimitives.ReadUInt16LittleEndian(changed.AsSpan(offset + 20));
            BinaryPrimitives.WriteUInt16LittleEndian(changed.AsSpan(offset + 20), (ushort)((infomask | set) & ~clear));
        }
        return changed;
    }

    /// <summary>What a delta onto the local page decides against a masked map of the backup's copy, whose control file
    /// says every transaction before <paramref name="endedBefore"/> had ended (the pages' rows are of 1000).</summary>
    private static bool Kept(byte[] backup, byte[] local, uint? endedBefore = 1000)
    {
        var (strict, loose) = PageMask.Hashes(backup, new byte[8192]);
        var (hashes, looseHashes) = (new byte[8], new byte[8]);
        BinaryPrimitives.WriteUInt64LittleEndian(hashes, strict);
        BinaryPrimitives.WriteUInt64LittleEndian(looseHashes, loose);
        var map = new RestoreBlockMap("base/5/16384", 8192, 8192, PageDelta.MaskedAlgorithm, hashes, looseHashes);
        Assert.True(PageDelta.Usable(map, 8192));
        var differing = new List<int>();
        PageDelta.Compare(local, 0, map, differing, endedBefore);
        return differing.Count == 0;
    }

    /// <summary>The standby's copy: replay wrote FirstCommandId and cleared the combo-CID flag; its checksum, free
    /// space, padding, the page-full hint and the prune xid are its own.</summary>
    internal static byte[] StandbyCopy(byte[] primary)
    {
        var page = (byte[])primary.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(8), 0x1234);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(10), 0x0004 | 0x0002);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(20), 0); // replay of a prune leaves pd_prune_xid
        page.AsSpan(40, 100).Clear();
        foreach (var offset in TupleOffsets)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(offset + 8), 0);
            page[offset + 20] &= unchecked((byte)~0x20);
            page.AsSpan(offset + TupleLength, 64 - TupleLength).Clear();
        }
        return page;
    }

    [Fact]
    public void A_standbys_copy_of_a_table_page_hashes_as_the_primarys()
    {
        var primary = HeapPage();
        Assert.Equal(Hash(primary), Hash(StandbyCopy(primary)));
        Assert.NotEqual(System.IO.Hashing.XxHash3.HashToUInt64(primary), System.IO.Hashing.XxHash3.HashToUInt64(StandbyCopy(primary)));
    }

    [Fact]
    public void A_standby_without_the_primarys_commit_hints_matches_loosely_and_is_kept()
    {
        var primary = WithInfomask(HeapPage(), 0x0100); // HEAP_XMIN_COMMITTED, set by the primary's VACUUM, not logged
        var standby = StandbyCopy(HeapPage());
        Assert.NotEqual(Hash(primary), Hash(standby));
        Assert.Equal(Loose(primary), Loose(standby));
        Assert.True(Kept(primary, standby));
        Assert.True(Kept(primary, StandbyCopy(primary), endedBefore: null)); // the same hints: strictly equal
        Assert.False(Kept(primary, standby, endedBefore: null));             // loosely only, and no horizon known
    }

    [Fact]
    public void A_local_commit_hint_is_kept_only_for_a_transaction_that_ended_before_the_backup()
    {
        var backup = HeapPage();
        var committed = WithInfomask(StandbyCopy(backup), 0x0100); // transaction 1000 committed, as the standby saw it
        Assert.Equal(Loose(backup), Loose(committed));
        Assert.False(Kept(backup, committed, endedBefore: 1000)); // its commit may lie past the recovery target
        Assert.True(Kept(backup, committed, endedBefore: 1001));
        Assert.False(PageMask.CommitHintsBefore(committed, 1000));
        Assert.True(PageMask.CommitHintsBefore(committed, 1001));

        var deleted = WithInfomask(StandbyCopy(backup), 0x0400, 0x0800); // HEAP_XMAX_COMMITTED of xmax 0: never kept
        Assert.False(Kept(backup, deleted, endedBefore: 5000));
        Assert.True(Kept(backup, WithInfomask(StandbyCopy(backup), 0x0200), endedBefore: 1)); // HEAP_XMIN_INVALID: aborted, in any restore
    }

    [Fact]
    public void A_frozen_tuples_xmin_bits_are_the_logged_freeze_and_compared_loosely_too()
    {
        var frozen = WithInfomask(HeapPage(), 0x0300);
        Assert.True(PageMask.CommitHintsBefore(frozen, 1000));
        Assert.NotEqual(Loose(frozen), Loose(WithInfomask(frozen, 0, 0x0200)));
        Assert.Equal(Loose(frozen), Loose(WithInfomask(frozen, 0, 0x0800))); // its xmax hint is still a hint
    }

    [Theory]
    [InlineData(0, "the page LSN")]
    [InlineData(8192 - 64, "a tuple's xmin")]
    [InlineData(8192 - 64 + 4, "a tuple's xmax")]
    [InlineData(8192 - 64 + 13, "a tuple's ctid")]
    [InlineData(8192 - 64 + 21, "a tuple's hint bits")]
    [InlineData(8192 - 128 + 30, "a tuple's data")]
    [InlineData(24, "a line pointer")]
    public void Any_logged_difference_or_hint_bit_still_differs(int at, string what)
    {
        var primary = HeapPage();
        var changed = StandbyCopy(primary);
        changed[at] ^= 0x01;
        Assert.True(Hash(primary) != Hash(changed), what);
    }

    [Fact]
    public void The_flags_other_than_the_two_hints_are_compared()
    {
        var primary = HeapPage();
        var changed = (byte[])primary.Clone();
        changed[10] &= unchecked((byte)~0x04); // PD_ALL_VISIBLE, which replay sets from the WAL
        Assert.NotEqual(Hash(primary), Hash(changed));
    }

    [Fact]
    public void A_moved_tuples_field3_is_its_xvac_and_compared()
    {
        var primary = HeapPage();
        primary[TupleOffsets[0] + 21] |= 0x40; // HEAP_MOVED_OFF
        var changed = (byte[])primary.Clone();
        changed[TupleOffsets[0] + 8] ^= 0x01;
        Assert.NotEqual(Hash(primary), Hash(changed));
    }

    [Fact]
    public void A_page_with_special_space_or_a_broken_layout_is_hashed_as_it_is()
    {
        var index = HeapPage(special: 8192 - 16);
        BinaryPrimitives.WriteUInt16LittleEndian(index.AsSpan(14), (ushort)TupleOffsets[^1]);
        var changed = (byte[])index.Clone();
        changed[TupleOffsets[0] + 8] ^= 0x01;
        Assert.NotEqual(Hash(index), Hash(changed));

        var broken = HeapPage();
        BinaryPrimitives.WriteUInt32LittleEndian(broken.AsSpan(24), (uint)((8192 - 8) | (1 << 15) | (TupleLength << 17))); // past the end
        Assert.False(PageMask.TryMask(broken, new byte[8192]));
        Assert.False(PageMask.TryMask(new byte[8192], new byte[8192])); // a new, all-zero page
        Assert.False(PageMask.TryMask(HeapPage().AsSpan(0, 4096), new byte[8192]));
    }

    [Theory]
    [InlineData("base/16384/16436", true)]
    [InlineData("base/16384/16436.1", true)]
    [InlineData("global/1262", true)]
    [InlineData("pg_tblspc/16400/PG_15_202209061/16384/16401.3", true)]
    [InlineData("base/16384/16436_fsm", false)]
    [InlineData("base/16384/16436_vm", false)]
    [InlineData("base/16384/PG_VERSION", false)]
    [InlineData("global/pg_control", false)]
    [InlineData("pg_xact/0000", false)]
    public void Only_a_relations_main_fork_is_masked(string path, bool applies) => Assert.Equal(applies, PageMask.Applies(path));
}
