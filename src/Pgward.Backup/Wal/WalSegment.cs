using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>
/// One WAL segment: a timeline and a segment number (<c>LSN / wal_segment_size</c>). Named
/// <c>%08X%08X%08X</c> = timeline, segment number / segments per 4 GiB, segment number % segments per 4 GiB.
/// Ordered by position first and timeline second, which is the order WAL is replayed in.
/// </summary>
public readonly record struct WalSegment(uint Timeline, ulong Number) : IComparable<WalSegment>
{
    /// <summary>PostgreSQL's default <c>wal_segment_size</c>, 16 MiB.</summary>
    public const long DefaultSize = 16 * 1024 * 1024;

    public static WalSegment Containing(uint timeline, Lsn lsn, long segmentSize) => new(timeline, lsn.Value / (ulong)segmentSize);

    /// <summary>The segment holding the last byte before <paramref name="end"/>: a backup ending at
    /// <c>0/2A000000</c> needs <c>...29</c>, not <c>...2A</c> (Barman's off-by-one, issue 250).</summary>
    public static WalSegment ContainingLastByteBefore(uint timeline, Lsn end, long segmentSize) =>
        new(timeline, (end.Value - 1) / (ulong)segmentSize);

    public Lsn Start(long segmentSize) => new(Number * (ulong)segmentSize);

    /// <summary>The first position after this segment: where the next one starts.</summary>
    public Lsn End(long segmentSize) => new((Number + 1) * (ulong)segmentSize);

    public WalSegment Next => this with { Number = Number + 1 };

    public string Name(long segmentSize)
    {
        var perId = SegmentsPerId(segmentSize);
        return string.Create(CultureInfo.InvariantCulture, $"{Timeline:X8}{Number / perId:X8}{Number % perId:X8}");
    }

    /// <summary>Parses a segment name (24 upper-case hex digits, as PostgreSQL writes them).</summary>
    public static bool TryParse(string? name, long segmentSize, out WalSegment segment)
    {
        segment = default;
        if (name is not { Length: 24 } || !name.All(IsUpperHex))
        {
            return false;
        }
        var timeline = uint.Parse(name.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var log = ulong.Parse(name.AsSpan(8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var seg = ulong.Parse(name.AsSpan(16, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var perId = SegmentsPerId(segmentSize);
        if (timeline == 0 || seg >= perId)
        {
            return false;
        }
        segment = new WalSegment(timeline, log * perId + seg);
        return true;
    }

    public int CompareTo(WalSegment other) =>
        Number != other.Number ? Number.CompareTo(other.Number) : Timeline.CompareTo(other.Timeline);

    public static bool operator <(WalSegment left, WalSegment right) => left.CompareTo(right) < 0;

    public static bool operator >(WalSegment left, WalSegment right) => left.CompareTo(right) > 0;

    public static bool operator <=(WalSegment left, WalSegment right) => left.CompareTo(right) <= 0;

    public static bool operator >=(WalSegment left, WalSegment right) => left.CompareTo(right) >= 0;

    private static ulong SegmentsPerId(long segmentSize) => 0x1_0000_0000UL / (ulong)segmentSize;

    private static bool IsUpperHex(char c) => c is >= '0' and <= '9' or >= 'A' and <= 'F';
}
