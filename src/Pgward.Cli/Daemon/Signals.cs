using System.Runtime.InteropServices;

namespace Pgward.Cli.Daemon;

/// <summary>kill(2): .NET can send SIGKILL to a process it did not start, but not SIGTERM.</summary>
internal static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Sends <paramref name="signal"/>; false when the process does not exist (or is not ours to signal).</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
