using System.Text;

namespace Pgward.Core.Postgres;

/// <summary>
/// Parses libpq's keyword/value form the way <c>conninfo_parse</c> does: <c>key = value</c> pairs separated by
/// whitespace; values either bare (up to whitespace) or single-quoted; a backslash escapes the next character in both.
/// </summary>
internal static class ConninfoKeywordParser
{
    public static bool TryParse(string text, List<KeyValuePair<string, string>> pairs, out string? error)
    {
        var i = 0;
        while (true)
        {
            SkipWhitespace(text, ref i);
            if (i >= text.Length)
            {
                error = null;
                return true;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var keyword = text[keyStart..i];
            SkipWhitespace(text, ref i);
            if (i >= text.Length || text[i] != '=')
            {
                error = $"missing \"=\" after \"{keyword}\" in connection info string";
                return false;
            }

            i++;
            SkipWhitespace(text, ref i);
            if (!TryReadValue(text, ref i, out var value, out error))
            {
                return false;
            }

            pairs.Add(new(keyword, value));
        }
    }

    private static bool TryReadValue(string text, ref int i, out string value, out string? error)
    {
        var builder = new StringBuilder();
        var quoted = i < text.Length && text[i] == '\'';
        if (quoted)
        {
            i++;
        }

        while (true)
        {
            if (i >= text.Length)
            {
                value = builder.ToString();
                error = quoted ? "unterminated quoted string in connection info string" : null;
                return !quoted;
            }

            var c = text[i++];
            if (c == '\\')
            {
                if (i < text.Length)
                {
                    builder.Append(text[i++]);
                }
            }
            else if (quoted ? c == '\'' : char.IsWhiteSpace(c))
            {
                value = builder.ToString();
                error = null;
                return true;
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    private static void SkipWhitespace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }
}
