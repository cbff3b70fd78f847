namespace Pgward.Core.Config;

/// <summary>
/// Finds <c>pgward.conf</c>: the <c>-f</c> path if given, else <c>$PGWARD_CONF</c>, else <c>./pgward.conf</c>,
/// else <c>/etc/pgward/pgward.conf</c> (where the Debian package and its services keep it), else <c>/etc/pgward.conf</c>. A path the user named (<c>-f</c> or <c>PGWARD_CONF</c>) that does not exist is an
/// error, never a reason to read some other file.
/// </summary>
public static class ConfigLocator
{
    public const string EnvironmentVariable = "PGWARD_CONF";
    public const string FileName = "pgward.conf";
    /// <summary>The package's place for the file, beside its example: <c>/etc/pgward/pgward.conf</c>.</summary>
    public const string PackagePath = "/etc/pgward/pgward.conf";

    public const string SystemPath = "/etc/pgward.conf";

    /// <param name="directoryExists">Tells a directory named where a file was expected from a missing file; null: no
    /// directory exists.</param>
    public static ConfigLocation Locate(
        string? explicitPath, Func<string, string?> getEnv, string currentDirectory, Func<string, bool> fileExists,
        Func<string, bool>? directoryExists = null)
    {
        directoryExists ??= _ => false;
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return Named(Path.GetFullPath(explicitPath, currentDirectory), "given with -f", fileExists, directoryExists);
        }

        var fromEnv = getEnv(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Named(Path.GetFullPath(fromEnv, currentDirectory), $"named by {EnvironmentVariable}", fileExists, directoryExists);
        }

        string[] candidates = [Path.Combine(currentDirectory, FileName), PackagePath, SystemPath];
        var found = candidates.FirstOrDefault(fileExists);
        if (found is not null)
        {
            return new ConfigLocation(found, null);
        }

        var searched = string.Join(", ", candidates);
        return new ConfigLocation(null, new ConfigProblem(
            FileName,
            0,
            null,
            $"no configuration file found; searched {searched} ({EnvironmentVariable} not set). "
            + $"Name the file with -f FILE or set {EnvironmentVariable}"));
    }

    private static ConfigLocation Named(string path, string how, Func<string, bool> fileExists, Func<string, bool> directoryExists)
    {
        if (fileExists(path))
        {
            return new ConfigLocation(path, null);
        }

        var problem = directoryExists(path)
            ? $"configuration file {how} is a directory; give the path of the file itself, e.g. {Path.Combine(path, FileName)}"
            : $"configuration file {how} does not exist";
        return new ConfigLocation(null, new ConfigProblem(path, 0, null, problem));
    }
}
