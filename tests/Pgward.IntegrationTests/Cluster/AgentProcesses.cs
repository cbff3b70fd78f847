using System.Diagnostics;
using System.Globalization;
using Pgward.Testing.Network;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// Runs <c>pgward daemon run</c> as real OS processes (<c>dotnet pgward.dll</c>), one per node, so that a test can
/// kill -9 or freeze an agent as a host failure would, which an in-process agent cannot model. Output goes to
/// <c>agent-N.log</c> in the sandbox directory. Disposing kills whatever is still running (thawing it first).
/// </summary>
public sealed class AgentProcesses : IAsyncDisposable
{
    private readonly string logDirectory;
    private readonly Dictionary<int, Process> running = [];
    private readonly SortedSet<int> started = [];

    public AgentProcesses(Sandbox sandbox) => logDirectory = sandbox.Directory;

    /// <param name="logDirectory">Where each agent's log goes.</param>
    public AgentProcesses(string logDirectory) => this.logDirectory = logDirectory;

    public string LogFile(int nodeId) => Path.Combine(logDirectory, $"agent-{nodeId}.log");

    public int Pid(int nodeId) => running[nodeId].Id;

    public bool IsRunning(int nodeId) => running.ContainsKey(nodeId);

    /// <summary>Whether node <paramref name="nodeId"/>'s agent was started and has ended by itself since.</summary>
    public bool HasExited(int nodeId) => running.TryGetValue(nodeId, out var process) && process.HasExited;

    /// <summary>Environment variables every agent started from now on gets, e.g. <c>PGWARD_UNSAFE</c>.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <param name="host">The test host (network namespace) to run it on; the machine's own network when null.</param>
    public void Start(int nodeId, string config, TestHost? host = null)
    {
        string[] command = [.. TestPgward.Command, "-f", config, "daemon", "run"];
        // "ip netns exec" execs the command in place: the PID is the agent's own, ready for kill and SIGSTOP.
        var argv = host is null ? command : ["ip", .. host.Wrap(command)];
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var log = new StreamWriter(LogFile(nodeId), append: true) { AutoFlush = true };
        var gate = new Lock();
        // The log closes when both streams have ended (a null line), not when the process exits: the exit may come
        // before their last lines, and a line written to the closed log then took the whole test run down.
        var open = 2;
        void Write(string? line)
        {
            lock (gate)
            {
                if (line is not null)
                {
                    log.WriteLine(line);
                }
                else if (--open == 0)
                {
                    log.Dispose();
                }
            }
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
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

    /// <summary>A clean stop, as <c>pgward daemon stop</c> and systemd do it: SIGTERM, then kill -9 if the agent has
    /// not ended within <paramref name="timeout"/>.</summary>
    /// <returns>True when the agent ended by itself.</returns>
    public async Task<bool> StopAsync(int nodeId, TimeSpan timeout)
    {
        var process = running[nodeId];
        running.Remove(nodeId);
        Signal([process.Id], "TERM");
        using var wait = new CancellationTokenSource(timeout, TimeProvider.System);
        var clean = true;
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            clean = false;
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
        return clean;
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
