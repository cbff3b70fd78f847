using System.Globalization;

namespace Pgward.Agent.Fencing;

/// <summary>
/// Whether the running postmaster started in standby mode: its data directory's <c>standby.signal</c> was there before
/// it started. PostgreSQL reads the file only when it starts, and removes it when it promotes, so such a server is in
/// recovery and takes no writes; the dead-man switch has nothing to stop there. The agent's fence and a restarted
/// agent start the server so (the guard), and a lapsed deadline that the switch read a moment before the agent's next
/// decision stopped that read-only server too, which then stayed down.
/// </summary>
public static class StandbyStart
{
    /// <param name="signalWritten">When <c>standby.signal</c> was last written; null when there is none.</param>
    /// <param name="postmasterStarted">The postmaster's start, in whole seconds since the epoch (line 3 of
    /// <c>postmaster.pid</c>); null when unknown. The same second as the signal's write counts as not before: unknown,
    /// so the switch acts as it would without this rule.</param>
    public static bool Decide(DateTimeOffset? signalWritten, long? postmasterStarted) =>
        signalWritten is { } written && postmasterStarted is { } started && written.ToUnixTimeSeconds() < started;

    /// <summary><see cref="Decide"/> on the files of <paramref name="dataDirectory"/>; false when either cannot be read.</summary>
    public static bool Read(string dataDirectory)
    {
        try
        {
            var signal = Path.Combine(dataDirectory, "standby.signal");
            if (!File.Exists(signal))
            {
                return false;
            }
            var written = new DateTimeOffset(File.GetLastWriteTimeUtc(signal), TimeSpan.Zero);
            return Decide(written, StartLine(File.ReadAllText(Path.Combine(dataDirectory, "postmaster.pid"))));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The start time from the contents of <c>postmaster.pid</c> (its third line), or null.</summary>
    public static long? StartLine(string contents)
    {
        var lines = contents.Split('\n');
        return lines.Length > 2 && long.TryParse(lines[2].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            ? started
            : null;
    }
}
