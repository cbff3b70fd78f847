using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Pgward.Cli.Commands;

/// <summary>
/// Options whose value is a whole number. They read their token themselves instead of leaving it to
/// System.CommandLine, whose conversion names the .NET type ("System.Nullable`1[System.Int32]") and throws from
/// any validator that reads a value it could not convert: a bad number must be a usage error (exit 1) that names
/// the option, what it expects and what it got. The range is checked in the same place, so no validator ever
/// reads an unconverted value.
/// </summary>
public static class NumberOptions
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="unit">What the number counts, plural ("seconds"); null for a plain count.</param>
    /// <param name="hint">Appended to the range error, e.g. "use --all for every event".</param>
    public static Option<int> WholeNumber(
        string name, string description, int defaultValue, int min, int max = int.MaxValue, string? unit = null, string? hint = null, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Read(result, name, Expected(unit), min, max, unit, hint) ?? defaultValue,
        };

    /// <summary>An optional whole number from <paramref name="min"/> to <paramref name="max"/>; null when absent.</summary>
    public static Option<int?> OptionalWholeNumber(string name, string description, int min, int max = int.MaxValue, string? unit = null) =>
        new(name)
        {
            Description = description,
            CustomParser = result => Read(result, name, Expected(unit), min, max, unit, hint: null),
        };

    /// <summary>A node ID (<c>--node-id</c>, <c>--upstream-node-id</c>): a whole number, 1 or more, as <c>node_id</c> in pgward.conf.</summary>
    public static Option<int?> NodeId(string name, string description) =>
        new(name)
        {
            Description = description,
            CustomParser = result => Read(result, name, "a node ID (a whole number)", 1, int.MaxValue, unit: null, hint: null),
        };

    /// <summary>A TCP port, 1 to 65535; null when absent.</summary>
    public static Option<int?> Port(string description) =>
        new("--port", "-p")
        {
            Description = description,
            CustomParser = result => Read(result, "--port", "a port number (a whole number)", 1, 65535, unit: null, hint: null),
        };

    /// <summary>
    /// The number in <paramref name="result"/>'s token, or null after adding an error to it. Digits that overflow
    /// an <see cref="int"/> are out of range, not "not a number".
    /// </summary>
    private static int? Read(ArgumentResult result, string name, string expected, int min, int max, string? unit, string? hint)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var token = result.Tokens[^1].Value;
        var (number, message) = Check(token, name, expected, min, max, unit, hint);
        if (message is not null)
        {
            result.AddError(message);
        }

        return number;
    }

    /// <summary>The number <paramref name="token"/> holds, or the usage error that says what was expected. Pure.</summary>
    public static (int? Number, string? Error) Check(
        string token, string name, string expected, int min, int max, string? unit, string? hint)
    {
        var text = token.Trim();
        var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return (null, $"{name}: expected {expected}, got \"{token}\"");
        }

        var inRange = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max;
        if (!inRange)
        {
            var range = max == int.MaxValue ? $"{min} or more" : $"from {min} to {max}";
            var of = unit is null ? "" : $" {unit}";
            var fix = hint is null ? "" : $" ({hint})";
            return (null, $"{name} must be {range}{of}{fix}, got {text}");
        }

        return ((int)n, null);
    }

    private static string Expected(string? unit) => unit is null ? "a whole number" : $"a whole number of {unit}";
}
