using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Pgward.Core.Postgres;

/// <summary>
/// A PostgreSQL write-ahead log location (<c>pg_lsn</c>), written as two hexadecimal halves: <c>0/50007C8</c>.
/// </summary>
public readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    /// <summary><c>0/0</c>, PostgreSQL's InvalidXLogRecPtr.</summary>
    public static readonly Lsn Invalid = new(0);

    /// <summary>Largest hex digits per half, as in PostgreSQL's <c>pg_lsn_in</c>.</summary>
    private const int MaxHalfDigits = 8;

    public bool IsValid => Value != 0;

    public static Lsn Parse(string text) =>
        TryParse(text, out var lsn) ? lsn : throw new FormatException($"invalid input syntax for type pg_lsn: \"{text}\"");

    public static bool TryParse([NotNullWhen(true)] string? text, out Lsn lsn)
    {
        lsn = Invalid;
        var slash = text?.IndexOf('/') ?? -1;
        if (slash < 0
            || !TryParseHalf(text.AsSpan(0, slash), out var high)
            || !TryParseHalf(text.AsSpan(slash + 1), out var low))
        {
            return false;
        }

        lsn = new Lsn(((ulong)high << 32) | low);
        return true;
    }

    private static bool TryParseHalf(ReadOnlySpan<char> half, out uint value)
    {
        value = 0;
        return half.Length is >= 1 and <= MaxHalfDigits
            && uint.TryParse(half, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(uint)(Value >> 32):X}/{(uint)Value:X}");

    /// <summary>
    /// Name of the WAL segment file holding this location, e.g. <c>00000001000000000000000A</c>.
    /// </summary>
    /// <param name="timeline">The timeline ID.</param>
    /// <param name="walSegmentSize">Bytes per segment (<c>wal_segment_size</c>, default 16 MiB): a power of two from 1 MiB to 1 GiB.</param>
    public string SegmentName(uint timeline, long walSegmentSize = 16 * 1024 * 1024)
    {
        if (walSegmentSize is < 1 << 20 or > 1 << 30 || (walSegmentSize & (walSegmentSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(walSegmentSize), walSegmentSize, "must be a power of two between 1 MiB and 1 GiB");
        }

        var segment = Value / (ulong)walSegmentSize;
        var segmentsPerId = 0x1_0000_0000UL / (ulong)walSegmentSize;
        return string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{segment / segmentsPerId:X8}{segment % segmentsPerId:X8}");
    }

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn left, Lsn right) => left.Value < right.Value;

    public static bool operator >(Lsn left, Lsn right) => left.Value > right.Value;

    public static bool operator <=(Lsn left, Lsn right) => left.Value <= right.Value;

    public static bool operator >=(Lsn left, Lsn right) => left.Value >= right.Value;

    /// <summary>Bytes of WAL from <paramref name="right"/> to <paramref name="left"/>; negative when left is behind.</summary>
    public static long operator -(Lsn left, Lsn right) => unchecked((long)(left.Value - right.Value));

    public static Lsn operator +(Lsn lsn, long bytes) => new(unchecked(lsn.Value + (ulong)bytes));
}
