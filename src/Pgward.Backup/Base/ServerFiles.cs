namespace Pgward.Backup.Base;

/// <summary>
/// A server's data directory and configuration files as it reported them when a backup began. A backup holds the data
/// directory only, as pg_basebackup's and Barman's do: configuration files kept elsewhere (Debian keeps them in
/// <c>/etc/postgresql</c>) are not in it, and a recovery must say so.
/// </summary>
public sealed record ServerFiles(string? DataDirectory, string? ConfigFile, string? HbaFile, string? IdentFile)
{
    /// <summary>Nothing known: a backup taken before pgward recorded these, or a user who may not see them.</summary>
    public static readonly ServerFiles Unknown = new(null, null, null, null);

    /// <summary>The configuration files outside the data directory; none when the data directory is unknown.</summary>
    public IReadOnlyList<string> Outside()
    {
        if (DataDirectory is not { Length: > 0 } data)
        {
            return [];
        }
        var root = Path.TrimEndingDirectorySeparator(data) + "/";
        return [.. new[] { ConfigFile, HbaFile, IdentFile }.OfType<string>().Where(f => f.Length > 0 && !f.StartsWith(root, StringComparison.Ordinal))];
    }

    /// <summary>postgresql.conf itself was outside: a restored data directory does not start as it is.</summary>
    public bool ConfigFileOutside => ConfigFile is { } config && Outside().Contains(config);

    /// <summary>What a recovery of such a backup must say: null when every configuration file was inside the data
    /// directory (or nothing is known).</summary>
    /// <param name="source">The node the backup was taken from, for the message.</param>
    public string? NotRestored(string? source)
    {
        var outside = Outside();
        return outside.Count == 0
            ? null
            : $"the backup holds the data directory of {source ?? "its source"} only: {string.Join(", ", outside)} "
              + $"{(outside.Count == 1 ? "was" : "were")} outside it and {(outside.Count == 1 ? "is" : "are")} not restored (as with pg_basebackup "
              + "or Barman); the server starts only once its configuration is in place";
    }
}
