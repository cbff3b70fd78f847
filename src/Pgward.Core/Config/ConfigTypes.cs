using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.Core.Postgres;

namespace Pgward.Core.Config;

/// <summary>The setting types used in the key table (<see cref="ConfigKeys"/>).</summary>
public static partial class ConfigTypes
{
    public static ConfigType<string> Text { get; } = new("a string", Accept, s => s);

    public static ConfigType<string> NonEmptyText { get; } =
        new("a non-empty string", (string t, out string v) => Accept(t, out v) && v.Length > 0, s => s);

    /// <summary>
    /// A libpq connection string that libpq would read: keyword/value pairs or a <c>postgresql://</c> URI. Problems never
    /// show the text, which may hold a password.
    /// </summary>
    public static ConfigType<string> ConninfoText { get; } = new(
        "a libpq connection string (keyword=value pairs or a postgresql:// URI)",
        (string t, out string v) => Accept(t, out v) && v.Length > 0 && Conninfo.TryParse(v, out _, out _),
        s => s)
    {
        Problem = ConninfoProblem,
    };

    /// <summary>An absolute path: a relative one would depend on the directory pgward was started from.</summary>
    public static ConfigType<string> AbsolutePath { get; } = new(
        "an absolute path",
        (string t, out string v) => Accept(t, out v) && Path.IsPathFullyQualified(v),
        s => s)
    {
        Problem = text => text.Length == 0 ? "expected an absolute path, got \"\"" : RelativePathProblem(text),
    };

    /// <summary>An absolute path, or "" for the setting's default.</summary>
    public static ConfigType<string> OptionalAbsolutePath { get; } = new(
        "an absolute path, or '' for the default",
        (string t, out string v) => Accept(t, out v) && (v.Length == 0 || Path.IsPathFullyQualified(v)),
        s => s)
    {
        Problem = RelativePathProblem,
    };

    /// <summary>Arguments for <c>pg_ctl start</c> (<see cref="PgCtlOptions"/>): split as a shell would, none of those pgward
    /// decides itself.</summary>
    public static ConfigType<string> PgCtlOptionsText { get; } = new(
        "pg_ctl options (-l, -o, -c, -p, -s)",
        (string t, out string v) => Accept(t, out v) && PgCtlOptions.Parse(v).Problem is null,
        s => s)
    {
        Problem = text => PgCtlOptions.Parse(text).Problem ?? "",
    };

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

    /// <summary>A duration above 0 and at most <paramref name="maxSeconds"/>; bare numbers are seconds, and <c>500ms</c> is allowed.</summary>
    public static ConfigType<TimeSpan> PositiveSeconds(int maxSeconds) => new(
        $"a duration above 0s and at most {maxSeconds}s (seconds, or a number with unit ms, s, min, h, d)",
        (string t, out TimeSpan v) => ConfigValues.TryParseDuration(t, TimeSpan.FromSeconds(1), out v)
            && v > TimeSpan.Zero && v <= TimeSpan.FromSeconds(maxSeconds),
        ConfigValues.FormatDuration);

    /// <summary>PostgreSQL's <c>recovery_min_apply_delay</c>: a bare number is milliseconds, as PostgreSQL reads it; at most
    /// what its integer of milliseconds holds (24 days).</summary>
    public static ConfigType<TimeSpan> ApplyDelay { get; } = new(
        "a delay from 0 to 24 days (milliseconds, as PostgreSQL reads a bare number, or a number with unit ms, s, min, h, d)",
        ApplyDelays.TryParse,
        ApplyDelays.Format);

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

    // libpq's keywords are lower case and it refuses "PASSWORD=": say so by name, since the keyword is no secret. Any
    // other parse error is given without libpq's wording, which quotes the text near the error (maybe a password).
    private static string ConninfoProblem(string text)
    {
        const string NotShown = "(the value is not shown: it may hold a password)";
        if (text.Length == 0)
        {
            return "expected a libpq connection string, got \"\"";
        }

        if (!Conninfo.TryParse(text, out _, out var error) && error is not null
            && UnknownKeyword().Match(error) is { Success: true } m && ConninfoKeywords.Known.Contains(m.Groups[1].Value.ToLowerInvariant()))
        {
            var keyword = m.Groups[1].Value;
            return $"connection keyword \"{keyword}\" must be written in lower case (\"{keyword.ToLowerInvariant()}\"), "
                + $"as libpq reads it {NotShown}";
        }

        return $"expected a libpq connection string (keyword=value pairs or a postgresql:// URI) that libpq can read {NotShown}";
    }

    [GeneratedRegex("^invalid (?:connection option|URI query parameter:) \"([^\"]*)\"$")]
    private static partial Regex UnknownKeyword();

    private static string RelativePathProblem(string text) =>
        $"must be an absolute path, got \"{text}\": a relative path would depend on the directory pgward is started from";

    private static bool Accept(string text, out string value)
    {
        value = text;
        return true;
    }
}
