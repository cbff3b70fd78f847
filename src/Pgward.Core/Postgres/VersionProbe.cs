using System.Diagnostics;

namespace Pgward.Core.Postgres;

/// <summary>
/// Runs <c>postgres --version</c> or <c>pg_config --bindir</c> and returns the first line of its output. Synchronous on
/// purpose: a probe takes a few milliseconds, and <see cref="PgBinaries.Locate(string?)"/> is called while configuration
/// loads.
/// </summary>
internal static class VersionProbe
{
    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The first line of stdout, or why there is none (null for both when the program cannot be started:
    /// not on PATH, or not executable).</summary>
    public static (string? FirstLine, string? Problem) Run(string fileName, string argument, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(argument);
        Process? process;
        try
        {
            process = Process.Start(startInfo);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, null);
        }
        if (process is null)
        {
            return (null, null);
        }

        using (process)
        {
            // Both pipes are read while the program runs: a pipe nobody reads fills at 64 KiB and blocks the program for
            // ever, and reading stdout to its end before waiting would leave the timeout nothing to time.
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            var command = $"\"{fileName} {argument}\"";
            if (!process.WaitForExit(timeout) || !Task.WaitAll([output, errors], timeout))
            {
                KillTree(process);
                return (null, $"{command} did not finish within {timeout.TotalSeconds:0.###} s and was killed");
            }
            if (process.ExitCode != 0)
            {
                var detail = errors.Result.Trim();
                return (null, $"{command} exited with code {process.ExitCode}" + (detail.Length > 0 ? $": {FirstLine(detail)}" : ""));
            }
            return (FirstLine(output.Result), null);
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(ReapTimeout);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It ended between the timeout and the kill.
        }
    }
}
