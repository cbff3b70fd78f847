namespace Pgward.Core.Processes;

/// <summary>Formats a command for logs and error messages (POSIX-shell quoting, display only), and splits a setting
/// that holds arguments as a POSIX shell would, without running one.</summary>
public static class CommandLine
{
    public static string Format(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { fileName }.Concat(arguments).Select(Quote));

    public static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c)))
        {
            return argument;
        }

        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// The words of <paramref name="text"/> as <c>sh</c> splits them, with no expansion: blanks separate words; inside
    /// '...' every character is itself; inside "..." a backslash escapes <c>"</c>, <c>\</c>, <c>$</c> and <c>`</c>; elsewhere
    /// a backslash escapes the next character. An unterminated quote is the problem returned.
    /// </summary>
    public static (IReadOnlyList<string> Words, string? Problem) Split(string text)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\n')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return (words, $"unterminated ' at character {i + 1}");
                }
                word.Append(text, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                var closed = false;
                for (i++; i < text.Length; i++)
                {
                    if (text[i] == '"')
                    {
                        closed = true;
                        break;
                    }
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
                    {
                        i++;
                    }
                    word.Append(text[i]);
                }
                if (!closed)
                {
                    return (words, "unterminated \"");
                }
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
            }
            else
            {
                word.Append(c);
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return (words, null);
    }
}
