using Pgward.Core.Processes;

namespace Pgward.Cluster.Operations;

/// <summary>Runs a command from pgward.conf (<c>service_*_command</c>) through <c>/bin/sh -c</c>, bounded.</summary>
public static class ShellCommand
{
    public static ProcessRequest Request(string command, TimeSpan timeout) =>
        new("/bin/sh", ["-c", command]) { Timeout = timeout };

    /// <summary>Null when the command succeeded, else how it failed.</summary>
    public static async Task<string?> RunAsync(OperationContext ctx, string command, TimeSpan timeout, CancellationToken ct)
    {
        var result = await ctx.Processes.RunAsync(Request(command, timeout), ct);
        return result.Succeeded ? null : result.Describe();
    }
}
