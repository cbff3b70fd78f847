using System.Diagnostics;
using System.Globalization;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// Runs <c>pgward daemon run</c> as real OS processes (<c>dotnet pgward.dll</c>), one per node, so that a test can
/// kill -9 or freeze an agent as a host failure would, which an in-process agent cannot model. Output goes to
/// <c>agent-N.log</c> in the sandbox directory. Disposing kills whatever is still running (thawing it first).
/// </summary>
public sealed class AgentProcesses : IAsyncDisposable
{
    private readonly Sandbox sandbox;
    private readonly Dictionary<int, Process> running = [];
    private readonly SortedSet<int> started = [];

    public AgentProcesses(Sandbox sandbox) => this.sandbox = sandbox;

    public string LogFile(int nodeId) => Path.Combine(sandbox.Directory, $"agent-{nodeId}.log");

    public int Pid(int nodeId) => running[nodeId].Id;

    public void Start(int nodeId, string config)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "pgward.dll"), "-f", config, "daemon", "run" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var log = new StreamWriter(LogFile(nodeId), append: true) { AutoFlush = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    log.WriteLine(line);
                }
            }
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) =>
        {
            lock (gate)
            {
                log.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        running[nodeId] = process;
        started.Add(nodeId);
    }

    /// <summary>kill -9 of the agent, as in a host failure.</summary>
    public async Task KillAsync(int nodeId)
    {
        var process = running[nodeId];
        running.Remove(nodeId);
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public static void Signal(IEnumerable<int> pids, string signal)
    {
        foreach (var pid in pids)
        {
            using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    /// <summary>The agent's log, for a failed assertion's message.</summary>
    public string Logs() => string.Join("\n", started.Select(id => $"--- agent {id}\n" + TailOf(LogFile(id))));

    private static string TailOf(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join('\n', lines.TakeLast(60));
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in running.Values)
        {
            Signal([process.Id], "CONT");
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }
        running.Clear();
    }
}
