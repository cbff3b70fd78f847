namespace Pgward.Core.Config;

/// <summary>
/// Parses a file and follows its <c>include</c> and <c>include_if_exists</c> lines, paths relative to the
/// including file's directory. An included file starts in the section its include line was in. A file that
/// includes itself, directly or through others, is an error, as is nesting deeper than PostgreSQL's 10 levels.
/// </summary>
public static class ConfigIncludeExpander
{
    private const int MaxDepth = 10;

    /// <param name="path">Absolute path of the main file.</param>
    /// <param name="text">The main file's text.</param>
    /// <param name="readFile">Returns a file's text, or null if it does not exist; may throw IOException.</param>
    public static ConfigParseResult Expand(string path, string text, Func<string, string?> readFile)
    {
        var entries = new List<ConfigEntry>();
        var errors = new List<ConfigProblem>();
        Walk(path, text, "", [path], readFile, entries, errors);
        return new ConfigParseResult(entries, errors);
    }

    private static void Walk(
        string path, string text, string section, List<string> chain,
        Func<string, string?> readFile, List<ConfigEntry> entries, List<ConfigProblem> errors)
    {
        var parsed = ConfigParser.Parse(text, path, section);
        errors.AddRange(parsed.Errors);
        foreach (var entry in parsed.Entries)
        {
            if (entry.Key is not ("include" or "include_if_exists"))
            {
                entries.Add(entry);
                continue;
            }

            if (entry.Value.Length == 0)
            {
                errors.Add(new ConfigProblem(entry.File, entry.Line, entry.Key, "expected a file name, got \"\""));
                continue;
            }

            var target = Path.GetFullPath(entry.Value, Path.GetDirectoryName(path) ?? "/");
            if (chain.Contains(target))
            {
                var loop = string.Join(" -> ", chain.Append(target));
                errors.Add(new ConfigProblem(entry.File, entry.Line, entry.Key, $"include loop: {loop}"));
                continue;
            }

            if (chain.Count >= MaxDepth)
            {
                errors.Add(new ConfigProblem(entry.File, entry.Line, entry.Key, $"includes nested deeper than {MaxDepth} levels"));
                continue;
            }

            if (!TryRead(target, readFile, errors, entry, out var included))
            {
                continue;
            }

            if (included is null)
            {
                if (entry.Key == "include")
                {
                    errors.Add(new ConfigProblem(entry.File, entry.Line, entry.Key, $"included file \"{target}\" not found"));
                }

                continue;
            }

            Walk(target, included, entry.Section, [.. chain, target], readFile, entries, errors);
        }
    }

    private static bool TryRead(
        string path, Func<string, string?> readFile, List<ConfigProblem> errors, ConfigEntry from, out string? text)
    {
        try
        {
            text = readFile(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ConfigProblem(from.File, from.Line, from.Key, $"cannot read \"{path}\": {ex.Message}"));
            text = null;
            return false;
        }
    }
}
