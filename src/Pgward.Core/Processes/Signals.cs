using System.Runtime.InteropServices;

namespace Pgward.Core.Processes;

/// <summary>kill(2) and setsid(2): .NET can send SIGKILL to a process it did not start, but no other signal.</summary>
public static partial class Signals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>PostgreSQL's immediate shutdown: the postmaster tells every backend to quit at once, without a reply to
    /// any client, and the next start runs crash recovery.</summary>
    public const int SigQuit = 3;

    /// <summary>Sends <paramref name="signal"/>; false when the process does not exist (or is not ours to signal).</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Makes this process the leader of a new session, so that signals sent to the group or the terminal of the
    /// process that started it (Ctrl-C, a service manager stopping it) do not reach it. False when it already leads one.</summary>
    public static bool NewSession() => SetSid() != -1;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "setsid", SetLastError = true)]
    private static extern int SetSid();
}
