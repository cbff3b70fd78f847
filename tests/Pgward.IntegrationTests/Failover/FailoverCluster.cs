using Pgward.Agent.Fencing;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>
/// A sandbox with automatic failover on (failover = automatic, auto_rejoin = true) and each node's agent, the
/// witness's included, running as its own OS process, ready when every voter takes part and node 1 leads (the witness
/// votes only beside an even number of data nodes).
/// </summary>
public sealed class FailoverCluster : AgentCluster
{
    private FailoverCluster(Sandbox sandbox, bool witness)
        : base(new AgentProcesses(sandbox), sandbox.Nodes, witness, (sandbox.CaFile, sandbox.NodeCertificate(1).Certificate, sandbox.NodeCertificate(1).Key)) =>
        Sandbox = sandbox;

    public Sandbox Sandbox { get; }

    public override string AgentUrl(int nodeId) => Sandbox.AgentUrl(nodeId);

    public override int Port(int nodeId) => Sandbox.BasePort + nodeId - 1;

    /// <summary>How the test's client reaches the primary: every data node, read-write only, and a 2 s statement
    /// timeout, so that a write stuck on a frozen server ends as "unknown" instead of hanging.</summary>
    public string ClientConnectionString => Sandbox.MultiHostConnectionString + ";Command Timeout=2";

    /// <summary>
    /// SIGSTOP of every process of node <paramref name="nodeId"/>, a frozen host: its agent and what the agent started,
    /// every dead-man switch of the node, and the postmaster with its children. One listing signalled in turn raced what
    /// it listed: the agent, still running, replaced its switch after the listing, and the new switch, never stopped,
    /// stopped the "frozen" primary at the lease's end (CommitLeaseTests, lease: false, 2 of 4 full runs). So the agent
    /// is stopped first, every process listed is waited for until it is stopped, and the node is listed again until a
    /// listing finds nothing new: a stopped agent and a stopped postmaster start nothing more.
    /// </summary>
    public async Task FreezeAsync(int nodeId, CancellationToken ct)
    {
        var frozen = this.frozen.TryGetValue(nodeId, out var earlier) ? earlier : this.frozen[nodeId] = [];
        try
        {
            while (NodePids(nodeId).Where(frozen.Add).ToList() is { Count: > 0 } fresh)
            {
                foreach (var pid in fresh)
                {
                    Signals.Send(pid, SigStop);
                }
                await WaitStoppedAsync(nodeId, fresh, ct);
            }
        }
        catch
        {
            // Left stopped, the node's servers would hang the teardown.
            Thaw(nodeId);
            throw;
        }
    }

    /// <summary>kill(2) returns before the process has stopped: one on another core runs on until the signal reaches it.
    /// Polled often: a freeze that takes longer than asked for would change what a short stall tests.</summary>
    private static async Task WaitStoppedAsync(int nodeId, IReadOnlyList<int> pids, CancellationToken ct)
    {
        var since = TimeProvider.System.GetTimestamp();
        while (pids.Where(p => !ProcessTable.Halted(p)).ToList() is { Count: > 0 } running)
        {
            if (TimeProvider.System.GetElapsedTime(since) > FreezeTimeout)
            {
                throw new TimeoutException($"node {nodeId}: PIDs {string.Join(", ", running)} not stopped {FreezeTimeout.TotalSeconds:0} s after SIGSTOP");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System, ct);
        }
    }

    /// <summary>SIGCONT of what <see cref="FreezeAsync"/> stopped and of what runs on the node now, the postmaster and its
    /// children first, then the agent, then the switches, as a host resumes.</summary>
    public void Thaw(int nodeId)
    {
        var pids = new List<int>();
        if (PostmasterPid.RunningPid(Sandbox.DataDirectory(nodeId)) is int postmaster)
        {
            pids.AddRange([postmaster, .. ProcessTable.Read().Descendants(postmaster)]);
        }
        pids.AddRange(NodePids(nodeId).Except(pids));
        pids.AddRange(frozen.Remove(nodeId, out var stopped) ? stopped.Except(pids) : []);
        foreach (var pid in pids)
        {
            Signals.Send(pid, SigCont);
        }
    }

    /// <summary>The PIDs of every dead-man switch process of node <paramref name="nodeId"/>: the one its state file names
    /// and any other that runs with the node's configuration (one an earlier agent left, or one just started).</summary>
    public IReadOnlyList<int> SwitchPids(int nodeId) => SwitchPids(nodeId, ProcessTable.Read());

    private IReadOnlyList<int> SwitchPids(int nodeId, ProcessTable table)
    {
        var config = Path.GetFullPath(Config(nodeId));
        var running = table.Processes
            .Where(p => p.State is not ('Z' or 'X') && p.Arguments.Contains("dead-man-switch") && p.Arguments.Contains(config))
            .Select(p => p.Pid);
        return [.. running.Union(SwitchPid(nodeId) is int named ? [named] : [])];
    }

    /// <summary>Node <paramref name="nodeId"/>'s processes in the order a freeze stops them: its agent and the processes
    /// the agent started, every dead-man switch of the node, the postmaster and its children.</summary>
    private List<int> NodePids(int nodeId)
    {
        var table = ProcessTable.Read();
        var agent = Agents.Pid(nodeId);
        var postmaster = PostmasterPid.RunningPid(Sandbox.DataDirectory(nodeId));
        int[] all = [agent, .. table.Descendants(agent), .. SwitchPids(nodeId, table),
            .. postmaster is int pid ? [pid, .. table.Descendants(pid)] : Array.Empty<int>()];
        return [.. all.Distinct()];
    }

    private const int SigStop = 19;

    private const int SigCont = 18;

    private static readonly TimeSpan FreezeTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<int, HashSet<int>> frozen = [];

    /// <summary>The PID of node <paramref name="nodeId"/>'s dead-man switch, from its state file; null when none runs.</summary>
    public int? SwitchPid(int nodeId) =>
        ReadSwitch(nodeId, state => state.SwitchPid > 0 && Core.Postgres.PostmasterPid.ProcessAlive(state.SwitchPid) ? state.SwitchPid : (int?)null);

    /// <summary>Whether node <paramref name="nodeId"/>'s primary is guarded by a lease: its switch holds a deadline, not
    /// the unbounded one of a primary no majority has acknowledged yet.</summary>
    public bool Guarded(int nodeId) =>
        ReadSwitch(nodeId, state => state.Mode == DeadManMode.Armed && state.Deadline != long.MaxValue);

    private T? ReadSwitch<T>(int nodeId, Func<DeadManState, T> read)
    {
        var path = Path.Combine(Path.GetDirectoryName(Config(nodeId))!, DeadManState.FileName);
        if (!File.Exists(path))
        {
            return default;
        }
        using var state = DeadManState.OpenPath(path);
        return read(state);
    }

    /// <summary>Waits until node <paramref name="nodeId"/>'s primary is guarded by a lease (<see cref="Guarded"/>).</summary>
    public Task WaitForGuardAsync(int nodeId, CancellationToken ct) =>
        WaitAsync(() => Task.FromResult(Guarded(nodeId)), TimeSpan.FromSeconds(30), $"node {nodeId} guarded by a majority's lease", ct);

    private bool backup;

    /// <summary>The backup server's endpoint (HTTPS, the sandbox's CA), as the sandbox configured it.</summary>
    public string BackupUrl => "https://127.0.0.1:" + System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Sandbox.BackupConfig), @"(?m)^agent_port = '(\d+)'").Groups[1].Value;

    /// <summary>The agents get <see cref="SandboxAgents.Token"/> instead of the one sandbox up drew; the backup server
    /// gets it too, as in a deployment (the nodes fetch WAL from it with their token, a scraper uses one for all), and its
    /// daemon is restarted to read it.</summary>
    private async Task ShareTheAgentTokenAsync(CancellationToken ct)
    {
        var stop = await PgwardCli.RunAsync(Sandbox.Executable, ct, "-f", Sandbox.BackupConfig, "-q", "daemon", "stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var text = await File.ReadAllTextAsync(Sandbox.BackupConfig, ct);
        await File.WriteAllTextAsync(Sandbox.BackupConfig,
            System.Text.RegularExpressions.Regex.Replace(text, "(?m)^agent_token = .*$", $"agent_token = '{SandboxAgents.Token}'"), ct);
        var start = await PgwardCli.RunAsync(Sandbox.Executable, ct, "-f", Sandbox.BackupConfig, "-q", "daemon", "start");
        Assert.True(start.ExitCode == 0, start.ToString());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (backup)
        {
            // The backup server's daemon is a process of its own, which only sandbox down stops.
            await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", Sandbox.Directory);
        }
    }

    public override string Config(int nodeId) => nodeId == Sandbox.Nodes + 1 ? Sandbox.WitnessConfig : Sandbox.Config(nodeId);

    /// <param name="settings">Extra pgward.conf lines for every node, e.g. <c>replication_mode = sync</c>.</param>
    public static Task<FailoverCluster> StartAsync(TestDirectory directory, int nodes, bool witness, CancellationToken ct, params string[] settings) =>
        StartAsync(directory, nodes, witness, primaryFirst: null, ct, settings);

    /// <param name="primaryFirst">Start the primary's agent first and the others one at a time this long apart.</param>
    public static Task<FailoverCluster> StartAsync(TestDirectory directory, int nodes, bool witness, TimeSpan? primaryFirst, CancellationToken ct,
        params string[] settings) =>
        StartAsync(directory, nodes, witness, primaryFirst, backup: false, new Dictionary<int, string[]>(), ct, settings);

    /// <param name="backup">Also the sandbox's backup server (<see cref="Sandbox.BackupConfig"/>), its daemon stopped when the
    /// cluster is disposed.</param>
    /// <param name="nodeSettings">Extra pgward.conf lines for one node, by node ID, beside <paramref name="settings"/>.</param>
    public static Task<FailoverCluster> StartAsync(TestDirectory directory, int nodes, bool witness, TimeSpan? primaryFirst, bool backup,
        IReadOnlyDictionary<int, string[]> nodeSettings, CancellationToken ct, params string[] settings) =>
        StartAsync(directory, nodes, witness, primaryFirst, backup, nodeSettings, prepare: null, ct, settings);

    /// <param name="prepare">Run on the sandbox before any agent starts, e.g. to lay its nodes out differently.</param>
    public static Task<FailoverCluster> StartAsync(TestDirectory directory, int nodes, Func<Sandbox, CancellationToken, Task> prepare,
        CancellationToken ct, params string[] settings) =>
        StartAsync(directory, nodes, witness: false, primaryFirst: null, backup: false, new Dictionary<int, string[]>(), prepare, ct, settings);

    private static async Task<FailoverCluster> StartAsync(TestDirectory directory, int nodes, bool witness, TimeSpan? primaryFirst, bool backup,
        IReadOnlyDictionary<int, string[]> nodeSettings, Func<Sandbox, CancellationToken, Task>? prepare, CancellationToken ct, params string[] settings)
    {
        var sandbox = await Sandbox.UpAsync(directory, nodes, ct, witness, failover: true, backup: backup);
        var cluster = new FailoverCluster(sandbox, witness) { backup = backup };
        try
        {
            if (prepare is not null)
            {
                await prepare(sandbox, ct);
            }
            if (backup)
            {
                await cluster.ShareTheAgentTokenAsync(ct);
            }
            foreach (var (id, lines) in nodeSettings)
            {
                await NodeConfig.SetAsync(cluster.Config(id), ct, lines);
            }
            await cluster.StartAgentsAsync(settings, sandbox.ConnectionString(1), ct, primaryFirst);
            return cluster;
        }
        catch
        {
            // The caller never gets the cluster to dispose: stop the agents started so far here.
            await cluster.DisposeAsync();
            throw;
        }
    }
}
