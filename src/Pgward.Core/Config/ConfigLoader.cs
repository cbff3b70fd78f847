namespace Pgward.Core.Config;

/// <summary>Finds, reads and checks <c>pgward.conf</c>. The only part of configuration that touches the file system.</summary>
public static class ConfigLoader
{
    /// <summary>Locates the file (see <see cref="ConfigLocator"/>) and loads it.</summary>
    public static ConfigLoadResult Load(string? explicitPath, Func<string, string?> getEnv, string currentDirectory)
    {
        var location = ConfigLocator.Locate(explicitPath, getEnv, currentDirectory, File.Exists, Directory.Exists);
        return location.Path is null
            ? ConfigLoadResult.Failed(null, location.Problem!)
            : LoadFile(location.Path);
    }

    /// <summary>Loads the file at <paramref name="path"/> (made absolute), following includes.</summary>
    public static ConfigLoadResult LoadFile(string path) => LoadFile(path, ReadIfExists, SecretFileModes.OnDisk);

    /// <summary>Loads through <paramref name="readFile"/> (text, or null when missing), so tests need no disk.</summary>
    /// <param name="modeOf">The mode of a file, for the warning of a secret others may read (<see cref="SecretFileModes"/>);
    /// none looked at when null.</param>
    public static ConfigLoadResult LoadFile(string path, Func<string, string?> readFile, Func<string, UnixFileMode?>? modeOf = null)
    {
        var fullPath = Path.GetFullPath(path);
        string? text;
        try
        {
            text = readFile(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ConfigLoadResult.Failed(fullPath, new ConfigProblem(fullPath, 0, null, $"cannot read configuration file: {ex.Message}"));
        }

        if (text is null)
        {
            return ConfigLoadResult.Failed(fullPath, new ConfigProblem(fullPath, 0, null, "configuration file does not exist"));
        }

        var parsed = ConfigIncludeExpander.Expand(fullPath, text, readFile);
        var bound = ConfigBinder.Bind(parsed.Entries, fullPath);
        if (modeOf is not null && SecretFileModes.Check(parsed.Entries, modeOf) is { Count: > 0 } exposed)
        {
            bound = bound with { Warnings = [.. bound.Warnings, .. exposed] };
        }
        if (parsed.Errors.Count == 0)
        {
            return bound;
        }

        return bound with { Options = null, Errors = [.. parsed.Errors, .. bound.Errors] };
    }

    // One open, no File.Exists first: the locator has already checked the main file, and a missing include is
    // reported from the exception rather than from a second look at the disk.
    private static string? ReadIfExists(string path)
    {
        // Reading a directory fails with "Access to the path is denied", which sends the user after permissions.
        if (Directory.Exists(path))
        {
            throw new IOException($"it is a directory; give the path of the file itself, e.g. {Path.Combine(path, ConfigLocator.FileName)}");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
