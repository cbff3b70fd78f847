using System.Diagnostics;
using Pgward.Core.Postgres;
using Pgward.Testing;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// kill -9 of a data node's dead-man switch, found through its state file (<see cref="DeadManSwitchState"/>): a fault
/// of the chaos suite, and the teardown's guarantee that no switch outlives its test.
/// </summary>
public static class DeadManSwitches
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    /// <summary>Kills the switch of the node whose pgward.conf is <paramref name="config"/>, when its state file names
    /// a running <c>pgward ... dead-man-switch</c> process of that node, and waits (up to 5 s) until it is gone.</summary>
    /// <returns>What happened, for a log line: killed, or why nothing was.</returns>
    public static async Task<string> KillAsync(string config, CancellationToken ct)
    {
        if (!File.Exists(DeadManSwitchState.PathFor(config)))
        {
            return $"no dead-man switch: no {DeadManSwitchState.FileName} beside {config}";
        }
        if (DeadManSwitchState.ReadPid(config) is not { } pid)
        {
            return $"no dead-man switch: {DeadManSwitchState.FileName} holds no PID";
        }
        if (!PostmasterPid.ProcessAlive(pid))
        {
            return $"dead-man switch PID {pid} not running";
        }
        // A PID from a file may have been reused: kill only a switch of this node.
        if (!IsSwitchOf(pid, config))
        {
            return $"PID {pid} of {DeadManSwitchState.FileName} is not a dead-man switch of {config}: left alone";
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return $"dead-man switch PID {pid} ended before the kill";
        }
        var start = TimeProvider.System.GetTimestamp();
        while (PostmasterPid.ProcessAlive(pid) && TimeProvider.System.GetElapsedTime(start) < ExitWait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, ct);
        }
        return PostmasterPid.ProcessAlive(pid) ? $"dead-man switch PID {pid} still alive {ExitWait.TotalSeconds:0} s after kill -9" : $"dead-man switch PID {pid} killed";
    }

    private static bool IsSwitchOf(int pid, string config)
    {
        try
        {
            var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return argv.Contains("dead-man-switch") && argv.Any(a => a == config || a == Path.GetFullPath(config));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
