using System.Text;
using System.Text.RegularExpressions;

namespace Pgward.Core.Postgres;

/// <summary>
/// The last lines a server wrote while it failed to start, for the error message. pg_ctl only says "Examine the log
/// output." and names no file; with <c>logging_collector = on</c> the reason ("could not bind ... Address already in
/// use") is not even in the <c>pg_ctl -l</c> file, which then says only where the collector writes instead.
/// </summary>
public static partial class ServerLogTail
{
    /// <summary>How many lines the error shows: enough for the FATAL line and what led to it.</summary>
    public const int LineCount = 10;

    /// <summary>
    /// The last lines from the <c>pg_ctl -l</c> file past <paramref name="offset"/> (its length before this start), or,
    /// when those say the logging collector took over, from the newest file in its directory. Null when nothing was
    /// written. A file that cannot be read is said, never thrown: the start failed already.
    /// </summary>
    public static string? Read(string dataDirectory, string logFile, long offset)
    {
        try
        {
            var written = ReadFrom(logFile, offset);
            if (written.Length == 0)
            {
                return null;
            }
            if (CollectorDirectory(written) is { } directory
                && NewestFile(Path.Combine(dataDirectory, directory)) is { } collected)
            {
                return Format(collected, LastLines(ReadFrom(collected, 0), LineCount));
            }
            return Format(logFile, LastLines(written, LineCount));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the server log could not be read: {e.Message}";
        }
    }

    /// <summary>
    /// The directory named by the postmaster's "Future log output will appear in directory ..." hint (relative to the
    /// data directory, or absolute), or null when the collector did not start. The hint is in English unless
    /// lc_messages says otherwise; then the -l file's own lines are shown, and they name the directory in that language.
    /// </summary>
    public static string? CollectorDirectory(string logText) =>
        CollectorHint().Matches(logText) is { Count: > 0 } matches ? matches[^1].Groups[1].Value : null;

    public static IReadOnlyList<string> LastLines(string text, int count) =>
        [.. text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).TakeLast(count)];

    public static string Format(string file, IReadOnlyList<string> lines) =>
        lines.Count == 0 ? $"the server log {file} is empty" : $"last lines of the server log {file}:\n  " + string.Join("\n  ", lines);

    [GeneratedRegex("Future log output will appear in directory \"([^\"]+)\"")]
    private static partial Regex CollectorHint();

    private static string ReadFrom(string file, long offset)
    {
        if (!File.Exists(file))
        {
            return "";
        }
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        // A file shorter than before was rotated or truncated: all of it is new.
        stream.Seek(offset <= stream.Length ? offset : 0, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The file the collector wrote last (names follow log_filename, so the time it was written decides).</summary>
    private static string? NewestFile(string directory) =>
        Directory.Exists(directory)
            ? new DirectoryInfo(directory).EnumerateFiles()
                .OrderByDescending(f => f.LastWriteTimeUtc)
                .ThenByDescending(f => f.Name, StringComparer.Ordinal)
                .FirstOrDefault()?.FullName
            : null;
}
