using Pgward.Core.Processes;

namespace Pgward.IntegrationTests.Harness;

/// <summary>Asks the OS which processes mention a path: what teardown must leave empty.</summary>
internal static class PostgresProcesses
{
    public static async Task<string> MentioningAsync(string path, CancellationToken cancellationToken)
    {
        var result = await new ProcessRunner().RunAsync(
            new ProcessRequest("pgrep", ["-a", "-f", path]) { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken);
        return result.StandardOutput.Trim();
    }

    /// <summary>Waits until no process mentions <paramref name="path"/>; returns what is left when time runs out.</summary>
    public static async Task<string> WaitUntilNoneAsync(string path, TimeSpan within, CancellationToken cancellationToken)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var left = await MentioningAsync(path, cancellationToken);
            if (left.Length == 0 || TimeProvider.System.GetElapsedTime(start) > within)
            {
                return left;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, cancellationToken);
        }
    }
}
