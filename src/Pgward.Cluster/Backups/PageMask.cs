using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.RegularExpressions;

namespace Pgward.Cluster.Backups;

/// <summary>
/// Hashes of a table page that leave out what a primary and its standbys may hold differently without any difference
/// to what the page means after a restore: a standby's copy of a page matches the primary's, so a delta restore onto a
/// standby keeps it.
///
/// <para>A standby's copy of a table page is not byte for byte the primary's. Replay writes <c>FirstCommandId</c> into
/// each inserted tuple's command id (<c>heap_xlog_insert</c>) where the primary wrote the command's own, and clears the
/// combo-CID flag; the page checksum, computed over those bytes, differs with them; the free space keeps whatever bytes
/// a compaction left there; and the tuples' hint bits, which the primary sets as it reads without logging them (unless
/// it is the page's first change since a checkpoint), are the standby's own. At scale 5, every page of
/// pgbench_accounts differed on the standby in checksum, command ids and the primary's <c>HEAP_XMIN_COMMITTED</c>
/// hints, so a delta onto a standby fetched the whole database. PostgreSQL's own WAL consistency check
/// (<c>heap_mask</c>) treats the same bytes as not logged.</para>
/// <para>The <b>strict</b> hash masks what cannot matter after a restore:</para>
/// <list type="bullet">
/// <item>the command id and the combo-CID flag of each tuple: read only by the transaction that wrote the tuple, while
/// it runs, and no transaction of before a restore runs after it (a prepared one runs no more commands);</item>
/// <item>the page checksum, which follows from the rest (a kept page's checksum is its own, valid for its bytes);</item>
/// <item>the free space and the padding after each tuple, which nothing reads;</item>
/// <item>the page's <c>PD_HAS_FREE_LINES</c> and <c>PD_PAGE_FULL</c> flags and its <c>pd_prune_xid</c>: hints of where
/// to look for room and when pruning may pay (replay of a prune does not set the last: after 10 s of pgbench at scale 5,
/// 2,900 of 8,200 pages of pgbench_accounts had another on the standby, and as many the page-full flag).</item>
/// </list>
/// <para>The <b>loose</b> hash also masks the tuples' four hint bits (not a frozen tuple's, whose two xmin bits are the
/// logged freeze). A hint that a transaction aborted holds in any restore, but a hint that one committed holds only if
/// the commit is before the recovery target: a standby may have set it on reading, after the backup's end. So a local
/// page matching only loosely is kept only when each of its commit hints names a transaction that had ended when the
/// backup read its control file (<see cref="CommitHintsBefore"/>, <see cref="ControlFileXids"/>), whose commit every
/// recovery from the backup replays; hints it lacks, readers work out again from pg_xact. The page LSN is compared in
/// both: a page changed since by a logged record never matches.</para>
/// <para>Masked are only pages of a relation's main fork (<see cref="Applies"/>) that are heap pages by their header
/// (no special space, a sane layout, every tuple's header inside its item); any other page's hashes are both of it as
/// it is. Pure.</para>
/// </summary>
public static partial class PageMask
{
    public const int PageSize = 8192;

    private const int HeaderSize = 24;
    private const ushort SizeAndVersion = PageSize | 4; // PG_PAGE_LAYOUT_VERSION 4, PostgreSQL 8.3 and later
    private const ushort HasFreeLines = 0x0001;
    private const ushort PageFull = 0x0002;
    private const int PruneXidAt = 20;      // pd_prune_xid
    private const int TupleHeaderSize = 23; // SizeofHeapTupleHeader
    private const int CommandIdAt = 8;      // t_field3: t_cid (or t_xvac, with HEAP_MOVED)
    private const int InfomaskAt = 20;
    private const int HoffAt = 22;
    private const ushort ComboCid = 0x0020;
    private const ushort XminCommitted = 0x0100;
    private const ushort XminInvalid = 0x0200;
    private const ushort XmaxCommitted = 0x0400;
    private const ushort XmaxInvalid = 0x0800;
    private const ushort XminFrozen = XminCommitted | XminInvalid;
    private const ushort XmaxIsMulti = 0x1000;
    private const ushort Moved = 0x4000 | 0x8000; // HEAP_MOVED_OFF | HEAP_MOVED_IN: t_field3 is then t_xvac
    private const int Normal = 1;                // LP_NORMAL

    /// <summary>Whether <paramref name="path"/> (relative to the data directory) is a segment of a relation's main fork,
    /// where table pages are: <c>base/DB/NODE[.SEG]</c>, <c>global/NODE[.SEG]</c> or a tablespace's
    /// <c>pg_tblspc/OID/PG_*/DB/NODE[.SEG]</c>.</summary>
    public static bool Applies(string path) => MainFork().IsMatch(path);

    [GeneratedRegex(@"^(base/[0-9]+|global|pg_tblspc/[0-9]+/PG_[^/]+/[0-9]+)/[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex MainFork();

    /// <summary>The strict and loose XxHash3 of <paramref name="page"/> (see the class), or both of it as it is when
    /// it is no heap page; <paramref name="scratch"/> (at least <see cref="PageSize"/> bytes) holds the masked copy.</summary>
    public static (ulong Strict, ulong Loose) Hashes(ReadOnlySpan<byte> page, Span<byte> scratch)
    {
        var (strict, masked) = StrictHash(page, scratch);
        return (strict, masked ? LooseHash(scratch) : strict);
    }

    /// <summary>The strict hash alone, and whether <paramref name="scratch"/> now holds the page masked (a heap page),
    /// for <see cref="LooseHash"/>: a delta computes the loose hash only of a page that does not match strictly.</summary>
    public static (ulong Strict, bool Masked) StrictHash(ReadOnlySpan<byte> page, Span<byte> scratch) =>
        TryMask(page, scratch) ? (XxHash3.HashToUInt64(scratch[..PageSize]), true) : (XxHash3.HashToUInt64(page), false);

    /// <summary>The loose hash of a page <see cref="StrictHash"/> masked into <paramref name="scratch"/> (its hint bits
    /// are cleared there).</summary>
    public static ulong LooseHash(Span<byte> scratch)
    {
        MaskHints(scratch[..PageSize]);
        return XxHash3.HashToUInt64(scratch[..PageSize]);
    }

    /// <summary>Whether every hint on a heap page that a transaction committed (<c>HEAP_XMIN_COMMITTED</c> but not frozen,
    /// or <c>HEAP_XMAX_COMMITTED</c>) names a transaction before <paramref name="horizon"/>, which a recovery from the
    /// backup sees committed whatever its target (<see cref="ControlFileXids"/>): only then may a page that matches the
    /// backup's copy loosely be kept. True for a page that is no heap page (both its hashes are plain).</summary>
    public static bool CommitHintsBefore(ReadOnlySpan<byte> page, uint horizon)
    {
        if (!IsHeapPage(page))
        {
            return true;
        }
        foreach (var (offset, _) in new NormalItems(page))
        {
            var tuple = page[offset..];
            var infomask = U16(tuple, InfomaskAt);
            if ((infomask & XminFrozen) == XminCommitted && !ControlFileXids.Precedes(BinaryPrimitives.ReadUInt32LittleEndian(tuple), horizon))
            {
                return false;
            }
            if ((infomask & XmaxCommitted) != 0
                && ((infomask & XmaxIsMulti) != 0 || !ControlFileXids.Precedes(BinaryPrimitives.ReadUInt32LittleEndian(tuple[4..]), horizon)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Clears the tuples' hint bits in a page <see cref="TryMask"/> wrote (a frozen tuple's xmin bits stay).</summary>
    private static void MaskHints(Span<byte> masked)
    {
        foreach (var (offset, _) in new NormalItems(masked))
        {
            var infomask = U16(masked, offset + InfomaskAt);
            var hints = (infomask & XminFrozen) == XminFrozen ? XmaxCommitted | XmaxInvalid : XminFrozen | XmaxCommitted | XmaxInvalid;
            BinaryPrimitives.WriteUInt16LittleEndian(masked[(offset + InfomaskAt)..], (ushort)(infomask & ~hints));
        }
    }

    /// <summary>Writes into <paramref name="masked"/> the page with its unlogged bytes zeroed, when it is a heap page;
    /// false (and <paramref name="masked"/> undefined) otherwise.</summary>
    public static bool TryMask(ReadOnlySpan<byte> page, Span<byte> masked)
    {
        if (!IsHeapPage(page))
        {
            return false;
        }
        page.CopyTo(masked);
        masked.Slice(8, 2).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(masked[10..], (ushort)(U16(page, 10) & ~(HasFreeLines | PageFull)));
        masked.Slice(PruneXidAt, 4).Clear();
        masked[U16(page, 12)..U16(page, 14)].Clear(); // the free space between pd_lower and pd_upper
        foreach (var (offset, length) in new NormalItems(page))
        {
            var tuple = masked.Slice(offset, length);
            var infomask = BinaryPrimitives.ReadUInt16LittleEndian(tuple[InfomaskAt..]);
            if ((infomask & Moved) == 0)
            {
                tuple.Slice(CommandIdAt, 4).Clear();
            }
            BinaryPrimitives.WriteUInt16LittleEndian(tuple[InfomaskAt..], (ushort)(infomask & ~ComboCid));
            var padded = Math.Min(PageSize, offset + ((length + 7) & ~7));
            masked[(offset + length)..padded].Clear();
        }
        return true;
    }

    /// <summary>A heap page by its header (read little-endian, as PostgreSQL writes it on this host): a whole page, this
    /// layout version, no special space, the line pointers and tuples where they may be, and every normal item a tuple
    /// whose header fits in it.</summary>
    private static bool IsHeapPage(ReadOnlySpan<byte> page)
    {
        if (page.Length != PageSize || !BitConverter.IsLittleEndian)
        {
            return false;
        }
        var (lower, upper, special) = (U16(page, 12), U16(page, 14), U16(page, 16));
        if (U16(page, 18) != SizeAndVersion || special != PageSize || lower < HeaderSize || lower > upper || upper > special
            || (lower - HeaderSize) % 4 != 0)
        {
            return false;
        }
        foreach (var (offset, length) in new NormalItems(page))
        {
            if (length < TupleHeaderSize || offset < upper || offset % 8 != 0 || offset + length > PageSize)
            {
                return false;
            }
            var hoff = page[offset + HoffAt];
            if (hoff < TupleHeaderSize || hoff > length)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The normal items (<c>LP_NORMAL</c>) among a page's line pointers, from the header to <c>pd_lower</c>:
    /// each line pointer (ItemIdData) is lp_off 15 bits, lp_flags 2, lp_len 15.</summary>
    private ref struct NormalItems
    {
        private readonly ReadOnlySpan<byte> page;
        private readonly int lower;
        private int at;

        public NormalItems(ReadOnlySpan<byte> page)
        {
            this.page = page;
            lower = U16(page, 12);
            at = HeaderSize - 4;
        }

        public (int Offset, int Length) Current { get; private set; }

        public readonly NormalItems GetEnumerator() => this;

        public bool MoveNext()
        {
            while ((at += 4) < lower)
            {
                var value = BinaryPrimitives.ReadUInt32LittleEndian(page[at..]);
                if ((int)((value >> 15) & 3) == Normal)
                {
                    Current = ((int)(value & 0x7FFF), (int)(value >> 17));
                    return true;
                }
            }
            return false;
        }
    }

    private static int U16(ReadOnlySpan<byte> page, int at) => BinaryPrimitives.ReadUInt16LittleEndian(page[at..]);
}
