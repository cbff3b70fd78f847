using Pgward.Agent.Fencing;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;

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

    /// <summary>SIGSTOP (or SIGCONT) of node <paramref name="nodeId"/>'s PostgreSQL processes, agent and dead-man switch:
    /// a frozen host.</summary>
    public void Freeze(int nodeId, bool frozen) =>
        AgentProcesses.Signal([.. Sandbox.PostgresPids(nodeId), Agents.Pid(nodeId), .. SwitchPid(nodeId) is int pid ? [pid] : Array.Empty<int>()],
            frozen ? "STOP" : "CONT");

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

    public override string Config(int nodeId) => nodeId == Sandbox.Nodes + 1 ? Sandbox.WitnessConfig : Sandbox.Config(nodeId);

    /// <param name="settings">Extra pgward.conf lines for every node, e.g. <c>replication_mode = sync</c>.</param>
    public static Task<FailoverCluster> StartAsync(TestDirectory directory, int nodes, bool witness, CancellationToken ct, params string[] settings) =>
        StartAsync(directory, nodes, witness, primaryFirst: null, ct, settings);

    /// <param name="primaryFirst">Start the primary's agent first and the others one at a time this long apart.</param>
    public static async Task<FailoverCluster> StartAsync(TestDirectory directory, int nodes, bool witness, TimeSpan? primaryFirst, CancellationToken ct,
        params string[] settings)
    {
        var sandbox = await Sandbox.UpAsync(directory, nodes, ct, witness, failover: true);
        var cluster = new FailoverCluster(sandbox, witness);
        try
        {
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
