using System.Globalization;

namespace Pgward.Core.Config;

/// <summary>
/// <c>recovery_min_apply_delay</c> as PostgreSQL reads it (an integer of milliseconds; a bare number is milliseconds,
/// units ms, s, min, h, d) and as pgward writes it into <c>postgresql.auto.conf</c>: in the largest unit that holds it
/// exactly, so that <c>SHOW</c> and the file say the same ("1h", not "3600000ms").
/// </summary>
public static class ApplyDelays
{
    /// <summary>The most PostgreSQL takes: its setting is an int of milliseconds.</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromMilliseconds(int.MaxValue);

    public static bool TryParse(string text, out TimeSpan delay) =>
        ConfigValues.TryParseDuration(text, TimeSpan.FromMilliseconds(1), out delay)
        && delay >= TimeSpan.Zero && delay <= Maximum && delay.Ticks % TimeSpan.TicksPerMillisecond == 0;

    public static string Format(TimeSpan delay)
    {
        var ms = (long)delay.TotalMilliseconds;
        foreach (var (unit, size) in Units)
        {
            if (ms % size == 0 && ms >= size)
            {
                return (ms / size).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }
        return ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    private static readonly (string Unit, long Milliseconds)[] Units =
        [("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1_000)];
}
