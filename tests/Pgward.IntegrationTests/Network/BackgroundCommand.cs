using System.Collections.Concurrent;
using System.Diagnostics;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing.Network;

namespace Pgward.IntegrationTests.Network;

/// <summary>
/// A pgward command running in the background on a test host (<c>backup create</c> while a fault strikes): its output
/// as it comes, its end, and a kill -9 of it and of every process it started (pg_basebackup), as a host death would.
/// </summary>
public sealed class BackgroundCommand : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly Task<CliRun> completion;

    private BackgroundCommand(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        completion = WaitForExitAsync();
    }

    /// <summary>Runs <c>pgward -f CONFIG ARGS</c> on <paramref name="host"/>.</summary>
    public static BackgroundCommand Start(TestHost host, string config, params string[] args)
    {
        // "ip netns exec" execs in place: the process is pgward itself, and its children are the tools it runs.
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in host.Wrap([.. TestPgward.Command, "-f", config, .. args]))
        {
            info.ArgumentList.Add(arg);
        }
        return new BackgroundCommand(Process.Start(info) ?? throw new InvalidOperationException("pgward did not start"));
    }

    /// <summary>What it printed so far, both streams.</summary>
    public string Output => string.Join('\n', lines);

    public bool HasExited => completion.IsCompleted;

    /// <summary>How it ended; a killed command ends with the signal's code.</summary>
    public Task<CliRun> Completion => completion;

    /// <summary>Waits up to <paramref name="limit"/> for it to end by itself; null when it is still running.</summary>
    public async Task<CliRun?> WaitAsync(TimeSpan limit, CancellationToken ct)
    {
        var ended = await Task.WhenAny(completion, Task.Delay(limit, TimeProvider.System, ct));
        return ended == completion ? await completion : null;
    }

    /// <summary>kill -9 of the command and its children; returns once it is gone.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended between the check and the kill.
            }
        }
        await completion;
    }

    private async Task<CliRun> WaitForExitAsync()
    {
        // With redirected output this also waits until the last lines have been read.
        await process.WaitForExitAsync();
        var output = Output;
        return new CliRun(process.ExitCode, output, "");
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }
}
