namespace Pgward.Core.Config;

/// <summary>Files pgward keeps for a node beside its pgward.conf (PID file, pause flag, known-nodes cache).</summary>
public static class ConfigFiles
{
    /// <summary>The path of <paramref name="fileName"/> in the directory of <paramref name="configFile"/> (the current one without a file).</summary>
    public static string Beside(string? configFile, string fileName) =>
        Path.Combine(Path.GetDirectoryName(configFile) is { Length: > 0 } directory ? directory : ".", fileName);
}
