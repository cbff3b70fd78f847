using System.Buffers.Binary;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// The header of a WAL page (<c>XLogPageHeaderData</c>, 24 bytes; <c>XLogLongPageHeaderData</c>, 40, on the first
/// page of a segment), checked as PostgreSQL's <c>XLogReaderValidatePageHeader</c> checks it. The page address is what
/// tells a page of this WAL from a stale one: a recycled segment keeps its old pages until they are overwritten.
/// </summary>
internal readonly record struct WalPageHeader(ushort Info, uint Timeline, uint RemainingLength, ulong SystemId)
{
    /// <summary><c>XLOG_PAGE_MAGIC</c> of PostgreSQL 15 (16 and 17 changed it with their WAL formats).</summary>
    public const ushort Magic = 0xD110;

    public const int ShortSize = 24;

    public const int LongSize = 40;

    /// <summary><c>XLP_FIRST_IS_CONTRECORD</c>: the page begins with the rest of a record begun on an earlier page.</summary>
    public const ushort FirstIsContinuation = 0x0001;

    /// <summary><c>XLP_LONG_HEADER</c>.</summary>
    public const ushort LongHeader = 0x0002;

    /// <summary><c>XLP_FIRST_IS_OVERWRITE_CONTRECORD</c>: the record begun on the page before was never finished (the
    /// server crashed while writing it) and recovery wrote new WAL over where its rest would be.</summary>
    public const ushort FirstIsOverwrite = 0x0008;

    /// <summary><c>XLP_ALL_FLAGS</c>: the three above and <c>XLP_BKP_REMOVABLE</c>.</summary>
    private const ushort AllFlags = 0x000F;

    public int Size => HeaderSize(Info);

    public bool IsContinuation => (Info & FirstIsContinuation) != 0;

    public bool IsOverwrite => (Info & FirstIsOverwrite) != 0;

    public bool IsLong => (Info & LongHeader) != 0;

    /// <summary>The bytes the header of <paramref name="page"/> takes, from its info field (at least two bytes of it
    /// must be there: any page shorter than <see cref="ShortSize"/> is missing anyway).</summary>
    public static int SizeOf(ReadOnlySpan<byte> page) =>
        page.Length < 4 ? ShortSize : HeaderSize(BinaryPrimitives.ReadUInt16LittleEndian(page[2..]));

    /// <summary>Parses and checks the header of the page at <paramref name="pageLsn"/>; <paramref name="page"/> holds
    /// at least <see cref="SizeOf"/> bytes. Returns a problem, or null.</summary>
    public static string? TryParse(ReadOnlySpan<byte> page, ulong pageLsn, int segmentSize, out WalPageHeader header)
    {
        var magic = BinaryPrimitives.ReadUInt16LittleEndian(page);
        var info = BinaryPrimitives.ReadUInt16LittleEndian(page[2..]);
        var pageAddress = BinaryPrimitives.ReadUInt64LittleEndian(page[8..]);
        var isLong = (info & LongHeader) != 0;
        header = new WalPageHeader(
            info,
            BinaryPrimitives.ReadUInt32LittleEndian(page[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(page[16..]),
            isLong ? BinaryPrimitives.ReadUInt64LittleEndian(page[24..]) : 0);
        var at = new Lsn(pageLsn);
        if (magic != Magic)
        {
            return $"the WAL page at {at} has magic number {magic:X4}, not {Magic:X4} (PostgreSQL 15)";
        }
        if ((info & ~AllFlags) != 0)
        {
            return $"the WAL page at {at} has invalid info bits {info:X4}";
        }
        if (isLong)
        {
            var pageSegmentSize = BinaryPrimitives.ReadUInt32LittleEndian(page[32..]);
            var pageBlockSize = BinaryPrimitives.ReadUInt32LittleEndian(page[36..]);
            if (pageSegmentSize != segmentSize || pageBlockSize != WalFormat.PageSize)
            {
                return $"the WAL page at {at} is from segments of {pageSegmentSize} bytes with {pageBlockSize}-byte pages, not {segmentSize} and {WalFormat.PageSize}";
            }
        }
        else if (pageLsn % (ulong)segmentSize == 0)
        {
            return $"the first page of the WAL segment at {at} has no long header";
        }
        if (pageAddress != pageLsn)
        {
            return $"the WAL page at {at} says it is at {new Lsn(pageAddress)} (a stale page of a recycled segment, or a segment in the wrong place)";
        }
        return null;
    }

    private static int HeaderSize(ushort info) => (info & LongHeader) != 0 ? LongSize : ShortSize;
}
