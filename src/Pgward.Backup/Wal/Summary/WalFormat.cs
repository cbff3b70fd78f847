namespace Pgward.Backup.Wal.Summary;

/// <summary>Sizes of PostgreSQL 15's WAL layout (<c>xlog_internal.h</c>, <c>xlogrecord.h</c>) for a server built with
/// the default 8 kB pages and 8-byte alignment, which is every server pgward manages.</summary>
internal static class WalFormat
{
    /// <summary><c>XLOG_BLCKSZ</c>: WAL is written in pages of this size, each with a header.</summary>
    public const int PageSize = 8192;

    /// <summary><c>BLCKSZ</c>: relation pages, also 8 kB.</summary>
    public const int BlockSize = 8192;

    /// <summary><c>MAXIMUM_ALIGNOF</c>: every record begins at a multiple of this.</summary>
    public const int MaxAlign = 8;

    public const int MinSegmentSize = 1 << 20;

    public const int MaxSegmentSize = 1 << 30;

    /// <summary>PostgreSQL 15 refuses to read a record longer than it can allocate (<c>MaxAllocSize</c>, 1 GB - 1).</summary>
    public const uint MaxRecordLength = 0x3FFF_FFFF;

    public static ulong AlignUp(ulong position) => (position + MaxAlign - 1) & ~(ulong)(MaxAlign - 1);

    public static ulong PageStart(ulong position) => position & ~(ulong)(PageSize - 1);

    public static bool IsSegmentSize(int size) => size is >= MinSegmentSize and <= MaxSegmentSize && (size & (size - 1)) == 0;
}
