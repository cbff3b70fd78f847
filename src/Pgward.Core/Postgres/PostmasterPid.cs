using System.Globalization;

namespace Pgward.Core.Postgres;

/// <summary>Reads <c>postmaster.pid</c> (first line: the postmaster's PID) and checks whether a PID is alive.</summary>
public static class PostmasterPid
{
    /// <summary>PID from <c>DATADIR/postmaster.pid</c>, or null when the file is missing or unreadable.</summary>
    public static int? Read(string dataDirectory) => Contents(dataDirectory) is { } contents ? Parse(contents) : null;

    /// <summary>The text of <c>DATADIR/postmaster.pid</c>, or null when it is missing or unreadable.</summary>
    private static string? Contents(string dataDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dataDirectory, "postmaster.pid"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The PID of a live postmaster serving <paramref name="dataDirectory"/>, or null when none runs.</summary>
    public static int? RunningPid(string dataDirectory) => Read(dataDirectory) is { } pid && ProcessAlive(pid) ? pid : null;

    /// <summary>
    /// Whether <c>DATADIR/postmaster.pid</c> says, as pg_ctl's wait for a start reads it, that a postmaster started no
    /// earlier than 2 s before <paramref name="launched"/> (pg_ctl's margin: a file a crashed server left does not count)
    /// accepts connections: its status line (the 8th) is <c>ready</c>, or <c>standby</c> for a hot standby, and its
    /// process lives. Its PID then; else null.
    /// </summary>
    public static int? ReadyRunningPid(string dataDirectory, DateTimeOffset launched) =>
        Contents(dataDirectory) is { } contents && ReadyPid(contents, launched) is { } pid && ProcessAlive(pid) ? pid : null;

    /// <summary>The PID in postmaster.pid's <paramref name="contents"/> when its status is <c>ready</c> or <c>standby</c>
    /// and its start time is no earlier than 2 s before <paramref name="launched"/>; else null (a file being written
    /// counts as not ready).</summary>
    public static int? ReadyPid(string contents, DateTimeOffset launched)
    {
        var lines = contents.Split('\n');
        if (lines.Length < 8 || lines[7].Trim() is not ("ready" or "standby")
            || !long.TryParse(lines[2].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            || started < launched.ToUnixTimeSeconds() - 2)
        {
            return null;
        }
        return Parse(contents);
    }

    /// <summary>PID from the contents of postmaster.pid. A negative value (a single-user backend) counts too.</summary>
    public static int? Parse(string contents)
    {
        var firstLine = contents.Split('\n', 2)[0].Trim();
        return int.TryParse(firstLine, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid) && pid != 0
            ? Math.Abs(pid)
            : null;
    }

    /// <summary>Whether a process with this PID exists and is not a zombie (Linux /proc).</summary>
    /// <remarks>Reads only the start of /proc/PID/stat into a buffer on the stack (an open, a read and a close): the
    /// agent looks at its dead-man switch five times a second, and a whole-file read as text was most of what that cost
    /// an idle agent (BENCHMARKS.md, issue 17). The state follows "PID (comm) ", at most 7 + 2 + 16 + 2 bytes in.</remarks>
    public static bool ProcessAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }
        try
        {
            using var handle = File.OpenHandle($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            Span<byte> start = stackalloc byte[128];
            var read = RandomAccess.Read(handle, start, 0);
            return IsLiveState(System.Text.Encoding.Latin1.GetString(start[..read]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>From /proc/PID/stat: alive unless the state after "(comm)" is Z (zombie) or X (dead).</summary>
    public static bool IsLiveState(string procStat)
    {
        var afterComm = procStat.LastIndexOf(')');
        var state = afterComm >= 0 && afterComm + 2 < procStat.Length ? procStat[afterComm + 2] : '?';
        return state is not ('Z' or 'X' or '?');
    }
}
