using System.Diagnostics;
using System.Text;
using Xunit;

namespace Pgward.IntegrationTests.Agent;

/// <summary>The CLI's apphost (copied beside the tests) run with its output collected; killed on dispose if it still runs.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AgentProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AgentProcess Start(string workingDirectory, params string[] args)
    {
        var executable = TestPgward.Executable;
        Assert.True(File.Exists(executable), $"{executable} is missing: the CLI's apphost is copied beside the tests when they build");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = start };
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public async Task<(int ExitCode, string Output)> WaitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        return (_process.ExitCode, Output);
    }

    /// <summary>SIGTERM, as a service manager stops the agent, then waits for it to end.</summary>
    public async Task<(int ExitCode, string Output)> StopAsync(CancellationToken ct)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(ct);
        return await WaitAsync(ct);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
