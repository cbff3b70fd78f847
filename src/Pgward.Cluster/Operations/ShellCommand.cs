using Pgward.Core.Processes;

namespace Pgward.Cluster.Operations;

/// <summary>Runs a command from pgward.conf (<c>service_*_command</c>) through <c>/bin/sh -c</c>, bounded.</summary>
public static class ShellCommand
{
    public static ProcessRequest Request(string command, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) =>
        new("/bin/sh", ["-c", command]) { Timeout = timeout, Environment = environment ?? new Dictionary<string, string>() };

    /// <summary>Null when the command succeeded, else how it failed.</summary>
    /// <param name="environment">Variables added to the command's environment.</param>
    public static async Task<string?> RunAsync(OperationContext ctx, string command, TimeSpan timeout, CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await ctx.Processes.RunAsync(Request(command, timeout, environment), ct);
        return result.Succeeded ? null : result.Describe();
    }
}
