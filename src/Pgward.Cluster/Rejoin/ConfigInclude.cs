namespace Pgward.Cluster.Rejoin;

/// <summary>One <c>include</c>, <c>include_if_exists</c> or <c>include_dir</c> line of a PostgreSQL configuration file.</summary>
public sealed record ConfigInclude(string Path, bool IsDirectory)
{
    /// <summary>The include directives of a configuration file's text, in order; paths as written.</summary>
    public static IReadOnlyList<ConfigInclude> Parse(string text)
    {
        var includes = new List<ConfigInclude>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var nameEnd = line.IndexOfAny([' ', '\t', '=', '\'']);
            if (nameEnd <= 0)
            {
                continue;
            }
            var name = line[..nameEnd];
            if (name is not ("include" or "include_if_exists" or "include_dir"))
            {
                continue;
            }
            if (Value(line[nameEnd..]) is { Length: > 0 } path)
            {
                includes.Add(new ConfigInclude(path, IsDirectory: name == "include_dir"));
            }
        }
        return includes;
    }

    private static string? Value(string rest)
    {
        var value = rest.TrimStart(' ', '\t', '=').TrimStart();
        if (value.StartsWith('\''))
        {
            var text = new System.Text.StringBuilder();
            for (var i = 1; i < value.Length; i++)
            {
                if (value[i] == '\'' && i + 1 < value.Length && value[i + 1] == '\'')
                {
                    text.Append('\'');
                    i++;
                }
                else if (value[i] == '\'')
                {
                    return text.ToString();
                }
                else
                {
                    text.Append(value[i]);
                }
            }
            return null;
        }
        var end = value.IndexOfAny([' ', '\t', '#']);
        return end < 0 ? value : value[..end];
    }
}
