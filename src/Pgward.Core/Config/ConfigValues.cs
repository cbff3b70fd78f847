using System.Globalization;

namespace Pgward.Core.Config;

/// <summary>
/// Reads the typed values of PostgreSQL-style settings: booleans, integers (decimal or <c>0x</c> hex),
/// durations with <c>ms|s|min|h|d</c> units and sizes with <c>B|kB|MB|GB|TB</c> units (1024-based, as in PostgreSQL).
/// Unit names are case-sensitive, as in PostgreSQL.
/// </summary>
public static class ConfigValues
{
    private static readonly (string Unit, long Ticks)[] DurationUnits =
    [
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("min", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
        ("d", TimeSpan.TicksPerDay),
    ];

    private static readonly (string Unit, long Bytes)[] SizeUnits =
    [
        ("B", 1L),
        ("kB", 1L << 10),
        ("MB", 1L << 20),
        ("GB", 1L << 30),
        ("TB", 1L << 40),
    ];

    /// <summary><c>true/false</c>, <c>on/off</c>, <c>yes/no</c>, <c>1/0</c>, any case.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "on" or "yes" or "1":
                value = true;
                return true;
            case "false" or "off" or "no" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>A decimal integer with optional sign, or <c>0x</c> hex; no unit.</summary>
    public static bool TryParseInteger(string text, out long value)
    {
        var (number, unit) = SplitUnit(text);
        value = 0;
        return unit.Length == 0 && TryParseNumber(number, out value);
    }

    /// <summary>A number in <paramref name="defaultUnit"/>, or a number followed by <c>ms</c>, <c>s</c>, <c>min</c>, <c>h</c> or <c>d</c>.</summary>
    public static bool TryParseDuration(string text, TimeSpan defaultUnit, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var (number, unit) = SplitUnit(text);
        var ticks = unit.Length == 0 ? defaultUnit.Ticks : Lookup(DurationUnits, unit);
        if (ticks == 0 || !TryParseNumber(number, out var n))
        {
            return false;
        }

        try
        {
            value = TimeSpan.FromTicks(checked(n * ticks));
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>A number of bytes, or a number followed by <c>B</c>, <c>kB</c>, <c>MB</c>, <c>GB</c> or <c>TB</c>.</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var (number, unit) = SplitUnit(text);
        var factor = unit.Length == 0 ? 1 : Lookup(SizeUnits, unit);
        if (factor == 0 || !TryParseNumber(number, out var n))
        {
            return false;
        }

        try
        {
            bytes = checked(n * factor);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Writes a duration so that <see cref="TryParseDuration"/> reads it back: <c>60s</c>, or <c>500ms</c>.</summary>
    public static string FormatDuration(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0
            ? $"{value.Ticks / TimeSpan.TicksPerSecond}s"
            : $"{(long)value.TotalMilliseconds}ms";

    private static (string Number, string Unit) SplitUnit(string text)
    {
        var t = text.Trim();
        if (IsHex(t.TrimStart('+', '-')))
        {
            return (t, "");
        }

        var end = t.Length;
        while (end > 0 && char.IsAsciiLetter(t[end - 1]))
        {
            end--;
        }

        return (t[..end].TrimEnd(), t[end..]);
    }

    private static bool TryParseNumber(string text, out long value)
    {
        value = 0;
        var digits = text.TrimStart('+', '-');
        if (text.Length - digits.Length > 1 || digits.Length == 0)
        {
            return false;
        }

        ulong magnitude;
        var ok = IsHex(digits)
            ? ulong.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude)
            : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        if (!ok || magnitude > long.MaxValue)
        {
            return false;
        }

        value = text.StartsWith('-') ? -(long)magnitude : (long)magnitude;
        return true;
    }

    private static bool IsHex(string digits) =>
        digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase);

    private static long Lookup((string Unit, long Factor)[] table, string unit)
    {
        foreach (var (name, factor) in table)
        {
            if (name == unit)
            {
                return factor;
            }
        }

        return 0;
    }
}
