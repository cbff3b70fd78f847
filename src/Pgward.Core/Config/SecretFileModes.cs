namespace Pgward.Core.Config;

/// <summary>
/// Warns of the file that sets <c>agent_token</c> when other users of the host may read it: whoever reads it can stop,
/// promote and fence the nodes through their agents. As libpq says of a <c>.pgpass</c> with group or world access; the
/// key of <c>agent_tls_key_file</c> the agent itself refuses (<c>TlsFiles</c>). Pure: the caller gives the file modes (null
/// for a file that cannot be looked at).
/// </summary>
public static class SecretFileModes
{
    private const UnixFileMode OthersMayRead = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static IReadOnlyList<ConfigProblem> Check(IEnumerable<ConfigEntry> entries, Func<string, UnixFileMode?> modeOf)
    {
        var warnings = new List<ConfigProblem>();
        foreach (var entry in entries.Where(e => e.Section.Length == 0 && e.Key == "agent_token" && e.Value.Length > 0))
        {
            if (modeOf(entry.File) is { } mode && (mode & OthersMayRead) != 0)
            {
                warnings.Add(new ConfigProblem(entry.File, entry.Line, entry.Key,
                    $"\"{entry.File}\" holds agent_token but other users of this host may read it (mode {Octal(mode)}): chmod 600 \"{entry.File}\""));
            }
        }
        return warnings;
    }

    /// <summary>The mode of <paramref name="path"/> on disk; null when it cannot be looked at.</summary>
    public static UnixFileMode? OnDisk(string path)
    {
        try
        {
            return File.Exists(path) ? File.GetUnixFileMode(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
