using System.Globalization;
using System.Runtime.InteropServices;

namespace Pgward.Core.Processes;

/// <summary>
/// When a process started, to a clock tick (10 ms on Linux): its start in ticks since boot (<c>/proc/PID/stat</c>,
/// field 22) against the time since boot (<c>/proc/uptime</c>, in hundredths of a second). Both are truncated, so what
/// this gives is the earliest the process can have started; <c>postmaster.pid</c>'s start line has only whole seconds.
/// </summary>
public static class ProcessStart
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK in glibc's and musl's unistd.h

    /// <summary>The earliest the process can have started, or null when /proc cannot say (no such process, not Linux).</summary>
    /// <param name="time">The wall clock: what the start is compared with (a file's mtime) is on it.</param>
    public static DateTimeOffset? Earliest(int pid, TimeProvider time)
    {
        // Read before the files: the moment /proc/uptime is read is later, so the start computed from this clock
        // reading can only come out earlier than the true one, never later.
        var now = time.GetUtcNow();
        try
        {
            var uptime = File.ReadAllText("/proc/uptime");
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return Earliest(now, uptime, stat, ClockTicks());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <param name="now">The wall clock, read before <paramref name="uptime"/>.</param>
    /// <param name="uptime">The contents of /proc/uptime: seconds since boot with two decimals, then idle time.</param>
    /// <param name="stat">The contents of /proc/PID/stat.</param>
    /// <param name="ticksPerSecond">sysconf(_SC_CLK_TCK), the unit of the start field.</param>
    public static DateTimeOffset? Earliest(DateTimeOffset now, string uptime, string stat, long ticksPerSecond)
    {
        var sinceBoot = uptime.Split(' ', 2)[0];
        var afterComm = stat.LastIndexOf(')');
        if (ticksPerSecond <= 0 || afterComm < 0
            || !decimal.TryParse(sinceBoot, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var up))
        {
            return null;
        }
        // Fields after "(comm)" start with the third, the state: the start time, the 22nd, is the 20th of them.
        var fields = stat[(afterComm + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || !long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var startTicks))
        {
            return null;
        }
        // The true uptime is below up + 0.01 and the true start at or above startTicks: the age is at most their
        // difference, and the start no earlier than now less that.
        var oldest = up + 0.01m - (decimal)startTicks / ticksPerSecond;
        return oldest < 0 ? null : now - TimeSpan.FromTicks((long)(oldest * TimeSpan.TicksPerSecond));
    }

    private static long ClockTicks()
    {
        var ticks = (long)Sysconf(ScClockTicks);
        return ticks > 0 ? ticks : 100;
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern nint Sysconf(int name);
}
