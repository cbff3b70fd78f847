using System.Net.Sockets;
using System.Runtime.InteropServices;
using Pgward.Core.Processes;

namespace Pgward.Testing.Network;

/// <summary>
/// Commands and sockets inside a named network namespace (<c>ip netns</c>). A process started through
/// <see cref="Wrap"/> and every process it starts live in the namespace; a socket made by <see cref="CreateSocket"/>
/// belongs to it, wherever it is used afterwards.
/// </summary>
public static partial class NetworkNamespace
{
    private const int NewNetworkNamespace = 0x40000000; // CLONE_NEWNET
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The arguments that run <paramref name="command"/> inside <paramref name="name"/>.</summary>
    public static IReadOnlyList<string> Wrap(string name, IEnumerable<string> command) => ["netns", "exec", name, .. command];

    /// <summary>Runs <c>ip ARGS</c> and throws with its error output when it fails.</summary>
    public static Task IpAsync(CancellationToken ct, params string[] args) => RunAsync("ip", args, ct);

    /// <summary>Runs <paramref name="tool"/> (<c>ip</c>, <c>tc</c>) and throws with its error output when it fails.</summary>
    public static async Task RunAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest(tool, args) { Timeout = ToolTimeout }, ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Describe());
        }
    }

    /// <summary>A TCP socket that lives in namespace <paramref name="name"/>: the calling thread enters the namespace
    /// only for the socket() call and comes straight back, with no await in between.</summary>
    public static Socket CreateSocket(string name)
    {
        using var target = File.OpenHandle($"/var/run/netns/{name}");
        using var home = File.OpenHandle("/proc/thread-self/ns/net");
        if (SetNamespace(target.DangerousGetHandle().ToInt32(), NewNetworkNamespace) != 0)
        {
            throw new InvalidOperationException($"setns into {name} failed: errno {Marshal.GetLastPInvokeError()}");
        }
        try
        {
            return new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        }
        finally
        {
            if (SetNamespace(home.DangerousGetHandle().ToInt32(), NewNetworkNamespace) != 0)
            {
                // A thread-pool thread left in a test namespace would send later, unrelated traffic there.
                Environment.FailFast($"setns back from {name} failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int type);
}
