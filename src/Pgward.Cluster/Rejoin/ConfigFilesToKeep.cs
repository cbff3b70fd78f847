namespace Pgward.Cluster.Rejoin;

/// <summary>
/// Which files to copy aside before pg_rewind (or a re-clone) and put back after it. Both copy the primary's data
/// directory over this one, configuration files included: without this the node would come back with the
/// primary's port and settings (the repmgr pitfall where the rejoined node fails with "Address already in use").
/// </summary>
public static class ConfigFilesToKeep
{
    /// <summary>Always kept when present, even if they do not end in <c>.conf</c>.</summary>
    public static readonly IReadOnlyList<string> StandardFiles =
        ["postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_ident.conf"];

    /// <summary>
    /// The files to keep: the standard ones, every <c>*.conf</c> at the top of the data directory, the included files
    /// that live in it, and the requested ones (relative to the data directory, or absolute). Files outside the data
    /// directory are returned apart: pg_rewind and pg_basebackup never write there.
    /// </summary>
    /// <param name="dataDirectory">Absolute path of the data directory.</param>
    /// <param name="topLevelFiles">Names of the files directly in the data directory.</param>
    /// <param name="includedFiles">Absolute paths of the files the configuration includes (directories already expanded).</param>
    /// <param name="requested">The paths given with <c>--config-files</c>.</param>
    public static (IReadOnlyList<string> Keep, IReadOnlyList<string> Outside) Select(
        string dataDirectory, IEnumerable<string> topLevelFiles, IEnumerable<string> includedFiles, IEnumerable<string> requested)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        var keep = new List<string>();
        var outside = new List<string>();
        void Add(string path)
        {
            var full = Path.GetFullPath(path, root);
            var list = IsInside(root, full) ? keep : outside;
            if (!list.Contains(full, StringComparer.Ordinal))
            {
                list.Add(full);
            }
        }
        foreach (var name in topLevelFiles.Order(StringComparer.Ordinal))
        {
            if (StandardFiles.Contains(name, StringComparer.Ordinal) || name.EndsWith(".conf", StringComparison.Ordinal))
            {
                Add(name);
            }
        }
        foreach (var path in includedFiles.Concat(requested))
        {
            Add(path);
        }
        return (keep, outside);
    }

    private static bool IsInside(string root, string full) =>
        full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
