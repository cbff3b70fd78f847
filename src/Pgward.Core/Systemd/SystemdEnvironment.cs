using System.Globalization;

namespace Pgward.Core.Systemd;

/// <summary>What systemd tells a <c>Type=notify</c> service through its environment (sd_notify(3), sd_watchdog_enabled(3)).</summary>
public static class SystemdEnvironment
{
    public const string NotifySocketVariable = "NOTIFY_SOCKET";
    public const string WatchdogUsecVariable = "WATCHDOG_USEC";
    public const string WatchdogPidVariable = "WATCHDOG_PID";

    /// <summary>The watchdog interval from <c>WATCHDOG_USEC</c> (microseconds), or null when there is none for this process:
    /// unset, not a positive number, or meant for another process (<c>WATCHDOG_PID</c> names another PID).</summary>
    public static TimeSpan? Watchdog(string? usec, string? pid, int ownPid)
    {
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros <= 0)
        {
            return null;
        }
        if (!string.IsNullOrEmpty(pid) && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var target) || target != ownPid))
        {
            return null;
        }
        return TimeSpan.FromMicroseconds(micros);
    }

    /// <summary>
    /// The notifier of this process when systemd gave it a notification socket, else null. The variables are removed
    /// from the environment (sd_notify's <c>unset_environment</c>): the servers and commands the daemon starts must not
    /// notify in its name. PostgreSQL built with systemd support would send its own READY=1 to the socket.
    /// </summary>
    public static ServiceNotifier? FromProcess(TimeProvider time)
    {
        var socket = Environment.GetEnvironmentVariable(NotifySocketVariable);
        var watchdog = Watchdog(Environment.GetEnvironmentVariable(WatchdogUsecVariable), Environment.GetEnvironmentVariable(WatchdogPidVariable),
            Environment.ProcessId);
        foreach (var name in (string[])[NotifySocketVariable, WatchdogUsecVariable, WatchdogPidVariable])
        {
            Environment.SetEnvironmentVariable(name, null);
        }
        return NotifySocket.Open(socket) is { } sink ? new ServiceNotifier(sink, new NotifyPolicy(watchdog), time) : null;
    }
}
