using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Catalog;

/// <summary>
/// A WAL segment name as a position: <c>%08X%08X%08X</c> = timeline, then the segment number split in two
/// (PostgreSQL's XLogFileName). Compares by segment number first, so positions on different timelines order by
/// where they are in the WAL, not by timeline.
/// </summary>
public readonly record struct WalSegmentId(uint Timeline, ulong Number)
{
    /// <summary>Bytes per segment; pgward serves clusters with the default <c>wal_segment_size</c> of 16 MiB.</summary>
    public const long Size = 16 * 1024 * 1024;

    private const ulong SegmentsPerId = 0x1_0000_0000UL / Size;

    /// <summary>The segment holding <paramref name="lsn"/> on <paramref name="timeline"/>.</summary>
    public static WalSegmentId Holding(uint timeline, Lsn lsn) => new(timeline, lsn.Value / Size);

    /// <summary>The segment holding the last byte before <paramref name="end"/>: a backup ending at
    /// <c>0/2A000000</c> needs <c>...29</c>, not <c>...2A</c> (Barman's off-by-one, issue 250).</summary>
    public static WalSegmentId HoldingLastByteBefore(uint timeline, Lsn end) => new(timeline, (end.Value - 1) / Size);

    public static bool TryParse(string? name, out WalSegmentId segment)
    {
        segment = default;
        if (name is not { Length: 24 }
            || !uint.TryParse(name.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var tli)
            || !uint.TryParse(name.AsSpan(8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var log)
            || !uint.TryParse(name.AsSpan(16, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var seg)
            || seg >= SegmentsPerId)
        {
            return false;
        }
        segment = new WalSegmentId(tli, log * SegmentsPerId + seg);
        return true;
    }

    /// <summary>First LSN of the segment.</summary>
    public Lsn Start => new(Number * Size);

    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Timeline:X8}{Number / SegmentsPerId:X8}{Number % SegmentsPerId:X8}");

    public override string ToString() => Name;
}
