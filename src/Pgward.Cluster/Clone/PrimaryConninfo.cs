namespace Pgward.Cluster.Clone;

/// <summary>Reads the <c>primary_conninfo</c> a standby's data directory is configured with.</summary>
public static class PrimaryConninfo
{
    /// <summary>The value from postgresql.auto.conf, or null when there is none or the file cannot be read.</summary>
    public static string? Read(string dataDirectory)
    {
        try
        {
            var file = Path.Combine(dataDirectory, StandbyConfiguration.AutoConfFile);
            return File.Exists(file)
                ? File.ReadLines(file).Select(ParseLine).LastOrDefault(value => value is not null)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The value of a <c>primary_conninfo = '...'</c> line, else null.</summary>
    public static string? ParseLine(string line)
    {
        var trimmed = line.Trim();
        if (!trimmed.StartsWith("primary_conninfo", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = trimmed["primary_conninfo".Length..].TrimStart();
        rest = rest.StartsWith('=') ? rest[1..].TrimStart() : rest;
        if (rest.Length < 2 || rest[0] != '\'' || rest[^1] != '\'')
        {
            return null;
        }
        return Unquote(rest[1..^1]);
    }

    /// <summary>Undoes <see cref="StandbyConfiguration.Quote"/>: <c>''</c> and <c>\x</c> stand for the character itself.</summary>
    private static string Unquote(string quoted)
    {
        var value = new System.Text.StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            var escaped = (quoted[i] == '\\' || (quoted[i] == '\'' && i + 1 < quoted.Length && quoted[i + 1] == '\'')) && i + 1 < quoted.Length;
            value.Append(escaped ? quoted[++i] : quoted[i]);
        }
        return value.ToString();
    }
}
