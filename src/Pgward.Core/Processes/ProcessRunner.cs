using System.Diagnostics;
using System.Text;

namespace Pgward.Core.Processes;

/// <summary>Runs child processes with <see cref="ProcessStartInfo.ArgumentList"/>; kills the whole tree on
/// timeout or cancellation.</summary>
public sealed class ProcessRunner(TimeProvider timeProvider) : IProcessRunner
{
    private static readonly TimeSpan AfterKillWait = TimeSpan.FromSeconds(5);

    public ProcessRunner() : this(TimeProvider.System)
    {
    }

    /// <summary>Whether <see cref="ProcessRequest.RunAs"/> switches user here: only a privileged process can.</summary>
    public static bool SwitchesUser(string? runAs) => runAs is not null && Environment.IsPrivilegedProcess;

    public async Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        var startInfo = BuildStartInfo(request);
        var commandLine = CommandLine.Format(startInfo.FileName, startInfo.ArgumentList);
        var output = new OutputCollector(request.OnOutputLine);
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Add(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data, isError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = request.Timeout is { } t
            ? new CancellationTokenSource(t, timeProvider)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await WaitAfterKillAsync(process).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return output.ToResult(-1, timedOut: true, commandLine);
        }

        return output.ToResult(process.ExitCode, timedOut: false, commandLine);
    }

    private static ProcessStartInfo BuildStartInfo(ProcessRequest request)
    {
        var switchUser = SwitchesUser(request.RunAs);
        var startInfo = new ProcessStartInfo(switchUser ? "runuser" : request.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = request.WorkingDirectory ?? (switchUser ? "/" : ""),
        };
        if (switchUser)
        {
            foreach (var arg in new[] { "-u", request.RunAs!, "--", request.FileName })
            {
                startInfo.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in request.Arguments)
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in request.Environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }

    // A grandchild that left the tree (a daemon) may still hold our stdout pipe; do not wait for its EOF forever.
    private async Task WaitAfterKillAsync(Process process)
    {
        using var limit = new CancellationTokenSource(AfterKillWait, timeProvider);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Output collected so far is returned.
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited between the timeout and the kill.
        }
    }

    private sealed class OutputCollector(Action<string>? onLine)
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private readonly Lock _lock = new();

        public void Add(string? line, bool isError)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                (isError ? _stderr : _stdout).Append(line).Append('\n');
            }

            onLine?.Invoke(line);
        }

        public ProcessResult ToResult(int exitCode, bool timedOut, string commandLine)
        {
            lock (_lock)
            {
                return new ProcessResult(exitCode, _stdout.ToString(), _stderr.ToString(), timedOut)
                {
                    CommandLine = commandLine,
                };
            }
        }
    }
}
