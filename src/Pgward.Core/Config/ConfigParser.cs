using System.Text;
using System.Text.RegularExpressions;

namespace Pgward.Core.Config;

/// <summary>
/// Reads repmgr.conf syntax (PostgreSQL's GUC file syntax) plus <c>[section]</c> headers. Pure: text in,
/// entries and syntax errors out; <c>include</c> lines come out as ordinary entries for the loader to follow.
/// </summary>
/// <remarks>
/// Syntax errors never echo the offending text, only its column: the line may hold a secret.
/// </remarks>
public static partial class ConfigParser
{
    private const string QuoteHint = "put the value in single quotes";

    /// <summary>Parses one file. <paramref name="initialSection"/> is the section an including file was in.</summary>
    public static ConfigParseResult Parse(string text, string fileName, string initialSection = "")
    {
        var entries = new List<ConfigEntry>();
        var errors = new List<ConfigProblem>();
        var section = initialSection;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var lineNo = i + 1;
            var outcome = ParseLine(line);
            if (outcome.Error is not null)
            {
                errors.Add(new ConfigProblem(fileName, lineNo, outcome.Key, outcome.Error));
            }
            else if (outcome.Section is not null)
            {
                section = outcome.Section;
            }
            else if (outcome.Key is not null)
            {
                entries.Add(new ConfigEntry(section, outcome.Key, outcome.Value!, fileName, lineNo));
            }
        }

        return new ConfigParseResult(entries, errors);
    }

    private sealed record LineOutcome(string? Key = null, string? Value = null, string? Section = null, string? Error = null);

    private static LineOutcome ParseLine(string line)
    {
        var pos = SkipSpace(line, 0);
        if (AtEnd(line, pos))
        {
            return new LineOutcome();
        }

        if (line[pos] == '[')
        {
            return ParseSectionHeader(line, pos);
        }

        var nameMatch = NameRegex().Match(line, pos);
        if (!nameMatch.Success)
        {
            return Error(pos, "expected a setting name (letters, digits, underscores) or a [section] header");
        }

        var key = nameMatch.Value.ToLowerInvariant();
        pos = SkipSpace(line, pos + nameMatch.Length);
        if (pos < line.Length && line[pos] == '=')
        {
            pos = SkipSpace(line, pos + 1);
        }

        if (AtEnd(line, pos))
        {
            return Error(pos, "expected a value after the name", key);
        }

        var value = line[pos] is '\'' or '"' ? ReadQuoted(line, ref pos) : ReadUnquoted(line, ref pos);
        if (value.Error is not null)
        {
            return value with { Key = key };
        }

        pos = SkipSpace(line, pos);
        return AtEnd(line, pos)
            ? new LineOutcome(key, value.Value)
            : Error(pos, $"unexpected text after the value (a value with spaces must be quoted: {QuoteHint})", key);
    }

    private static LineOutcome ParseSectionHeader(string line, int pos)
    {
        var close = line.IndexOf(']', pos);
        if (close < 0)
        {
            return Error(pos, "section header has no closing ']'");
        }

        var name = line[(pos + 1)..close].Trim();
        if (!SectionNameRegex().IsMatch(name))
        {
            return Error(pos, "section name must be letters, digits and underscores, like [backup]");
        }

        var after = SkipSpace(line, close + 1);
        return AtEnd(line, after)
            ? new LineOutcome(Section: name.ToLowerInvariant())
            : Error(after, "unexpected text after the section header");
    }

    private static LineOutcome ReadQuoted(string line, ref int pos)
    {
        var quote = line[pos];
        var start = pos;
        var sb = new StringBuilder();
        pos++;
        while (pos < line.Length)
        {
            var c = line[pos];
            if (c == quote && pos + 1 < line.Length && line[pos + 1] == quote)
            {
                sb.Append(quote);
                pos += 2;
            }
            else if (c == quote)
            {
                pos++;
                return new LineOutcome(Value: sb.ToString());
            }
            else if (c == '\\' && pos + 1 < line.Length)
            {
                sb.Append(Unescape(line[pos + 1]));
                pos += 2;
            }
            else
            {
                sb.Append(c);
                pos++;
            }
        }

        return Error(start, "quoted value has no closing quote (quotes do not span lines)");
    }

    /// <summary>Backslash escapes as PostgreSQL reads them in quoted strings; any other character stands for itself.</summary>
    private static char Unescape(char c) => c switch
    {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' => '\b',
        'f' => '\f',
        _ => c,
    };

    private static LineOutcome ReadUnquoted(string line, ref int pos)
    {
        var start = pos;
        while (pos < line.Length && !char.IsWhiteSpace(line[pos]) && line[pos] != '#')
        {
            pos++;
        }

        var token = line[start..pos];
        return IntegerRegex().IsMatch(token) || RealRegex().IsMatch(token) || UnquotedStringRegex().IsMatch(token)
            ? new LineOutcome(Value: token)
            : Error(start, "an unquoted value may only be a number or a word of letters, digits and -._:/ "
                + $"starting with a letter; {QuoteHint}");
    }

    private static LineOutcome Error(int index, string message, string? key = null) =>
        new(Key: key, Error: $"syntax error at column {index + 1}: {message}");

    private static int SkipSpace(string line, int pos)
    {
        while (pos < line.Length && char.IsWhiteSpace(line[pos]))
        {
            pos++;
        }

        return pos;
    }

    private static bool AtEnd(string line, int pos) => pos >= line.Length || line[pos] == '#';

    [GeneratedRegex(@"\G[A-Za-z_\u0080-\uFFFF][A-Za-z_0-9\u0080-\uFFFF]*(\.[A-Za-z_\u0080-\uFFFF][A-Za-z_0-9\u0080-\uFFFF]*)?")]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z_0-9]*$")]
    private static partial Regex SectionNameRegex();

    [GeneratedRegex(@"^[+-]?([0-9]+|0[xX][0-9a-fA-F]+)[A-Za-z]*$")]
    private static partial Regex IntegerRegex();

    [GeneratedRegex(@"^[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([Ee][+-]?[0-9]+)?$")]
    private static partial Regex RealRegex();

    [GeneratedRegex(@"^[A-Za-z_\u0080-\uFFFF][A-Za-z_0-9\u0080-\uFFFF\-.:/]*$")]
    private static partial Regex UnquotedStringRegex();
}
