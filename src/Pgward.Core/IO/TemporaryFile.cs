namespace Pgward.Core.IO;

/// <summary>Temporary files written beside their destination and renamed over it.</summary>
public static class TemporaryFile
{
    /// <summary>
    /// A temporary path beside <paramref name="path"/>, unique to this call: two writers of the same file (the daemon
    /// and a command, or two commands) must not rename each other's half-written temporary file.
    /// </summary>
    public static string Beside(string path) => $"{path}.{Path.GetRandomFileName()}.tmp";
}
