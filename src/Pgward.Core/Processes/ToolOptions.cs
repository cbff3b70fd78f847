namespace Pgward.Core.Processes;

/// <summary>One option of a PostgreSQL tool (pg_basebackup, pg_ctl), as its getopt_long reads it.</summary>
/// <param name="DecidedBy">What decides it when pgward sets it itself; null when the user may give it.</param>
public sealed record ToolOption(string Long, char? Short, bool TakesValue, string? DecidedBy = null)
{
    /// <summary>An option with no long name (pg_ctl's <c>-p</c>).</summary>
    public static ToolOption ShortOnly(char name, bool takesValue, string? decidedBy = null) => new("", name, takesValue, decidedBy);
}

/// <summary>An option as given in a setting: <paramref name="Spelled"/> is how the user wrote it (<c>--wal-m</c>,
/// <c>-X</c>); <paramref name="Option"/> is null for a word that is not an option, or that names none of the tool's.</summary>
public sealed record GivenOption(ToolOption? Option, string Spelled, string? Value);

/// <summary>
/// Reads the arguments a setting adds to a PostgreSQL tool as the tool's getopt_long would: long options and the
/// prefixes that name exactly one, <c>--name=value</c> and <c>--name value</c>, clusters of short options (<c>-vP</c>)
/// where a letter that takes a value ends the cluster (<c>-r200M</c>, or <c>-r 200M</c>). Pure.
/// </summary>
public static class ToolOptions
{
    public static IReadOnlyList<GivenOption> Read(IReadOnlyList<string> words, IReadOnlyList<ToolOption> table)
    {
        var given = new List<GivenOption>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2)
            {
                var parts = word[2..].Split('=', 2);
                var option = Resolve(parts[0], table);
                var value = parts.Length == 2 ? parts[1]
                    : option is { TakesValue: true } && i + 1 < words.Count ? words[++i]
                    : null;
                given.Add(new GivenOption(option, "--" + parts[0], value));
            }
            else if (word.StartsWith('-') && word.Length > 1)
            {
                for (var at = 1; at < word.Length; at++)
                {
                    var option = table.FirstOrDefault(o => o.Short == word[at]);
                    if (option is { TakesValue: true })
                    {
                        // "-r200M", or "-r 200M": the value is the rest of the word, or the next word.
                        var value = at < word.Length - 1 ? word[(at + 1)..] : i + 1 < words.Count ? words[++i] : null;
                        given.Add(new GivenOption(option, $"-{word[at]}", value));
                        break;
                    }
                    given.Add(new GivenOption(option, $"-{word[at]}", null));
                }
            }
            else
            {
                given.Add(new GivenOption(null, word, null));
            }
        }
        return given;
    }

    /// <summary>The long option a (possibly abbreviated) name stands for, as getopt_long reads it; null when it names none
    /// or several (the tool then refuses it itself).</summary>
    private static ToolOption? Resolve(string name, IReadOnlyList<ToolOption> table)
    {
        if (table.FirstOrDefault(o => o.Long.Length > 0 && o.Long == name) is { } exact)
        {
            return exact;
        }
        var candidates = table.Where(o => o.Long.Length > 0 && o.Long.StartsWith(name, StringComparison.Ordinal)).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }
}
