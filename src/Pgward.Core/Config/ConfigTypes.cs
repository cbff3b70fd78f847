using System.Globalization;

namespace Pgward.Core.Config;

/// <summary>The setting types used in the key table (<see cref="ConfigKeys"/>).</summary>
public static class ConfigTypes
{
    public static ConfigType<string> Text { get; } = new("a string", Accept, s => s);

    public static ConfigType<string> NonEmptyText { get; } =
        new("a non-empty string", (string t, out string v) => Accept(t, out v) && v.Length > 0, s => s);

    /// <summary>1 to 63 printable ASCII characters: PostgreSQL truncates <c>application_name</c> at 63.</summary>
    public static ConfigType<string> NodeName { get; } = new(
        "1 to 63 printable ASCII characters",
        (string t, out string v) => Accept(t, out v) && v.Length is >= 1 and <= 63 && v.All(c => c is >= ' ' and <= '~'),
        s => s);

    public static ConfigType<bool> Bool { get; } =
        new("a boolean (on/off, true/false, yes/no, 1/0)", ConfigValues.TryParseBool, b => b ? "on" : "off");

    /// <summary>A comma-separated list; blanks around items and empty items are dropped.</summary>
    public static ConfigType<IReadOnlyList<string>> List { get; } = new(
        "a comma-separated list",
        (string t, out IReadOnlyList<string> v) =>
        {
            v = t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return true;
        },
        v => string.Join(",", v));

    /// <summary>Maximum replication lag: a number of bytes, or with unit kB, MB, GB, TB.</summary>
    public static ConfigType<long> Size { get; } = new(
        "a size in bytes from 0 (a number, or a number with unit kB, MB, GB)",
        (string t, out long v) => ConfigValues.TryParseSize(t, out v) && v >= 0,
        v => v.ToString(CultureInfo.InvariantCulture));

    public static ConfigType<int> Int(int min, int max) => new(
        $"an integer from {min} to {max}",
        (string t, out int v) =>
        {
            var ok = ConfigValues.TryParseInteger(t, out var n) && n >= min && n <= max;
            v = ok ? (int)n : 0;
            return ok;
        },
        v => v.ToString(CultureInfo.InvariantCulture));

    /// <summary>A duration whose bare numbers are seconds, between <paramref name="minSeconds"/> and <paramref name="maxSeconds"/>.</summary>
    public static ConfigType<TimeSpan> Seconds(int minSeconds, int maxSeconds) => new(
        $"a duration from {minSeconds}s to {maxSeconds}s (seconds, or a number with unit ms, s, min, h, d)",
        (string t, out TimeSpan v) => ConfigValues.TryParseDuration(t, TimeSpan.FromSeconds(1), out v)
            && v >= TimeSpan.FromSeconds(minSeconds) && v <= TimeSpan.FromSeconds(maxSeconds),
        ConfigValues.FormatDuration);

    /// <summary>One of a fixed set of words, any case.</summary>
    public static ConfigType<T> Enum<T>(params (string Name, T Value)[] choices) => new(
        "one of " + string.Join(", ", choices.Select(c => c.Name)),
        (string t, out T v) =>
        {
            foreach (var (name, value) in choices)
            {
                if (string.Equals(name, t.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    v = value;
                    return true;
                }
            }

            v = default!;
            return false;
        },
        v => choices.First(c => EqualityComparer<T>.Default.Equals(c.Value, v)).Name);

    private static bool Accept(string text, out string value)
    {
        value = text;
        return true;
    }
}
