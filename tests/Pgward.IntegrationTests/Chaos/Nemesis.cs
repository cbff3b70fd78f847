using Pgward.IntegrationTests.Cluster;
using Pgward.IntegrationTests.Network;
using Pgward.Testing.Chaos;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>
/// Injects the faults of a schedule into a <see cref="NetworkCluster"/>. Each injection returns what undoes it; the
/// runner calls that when the fault's time is up. Targets are resolved when the fault starts (which node is primary
/// then), and choices among candidates come from the schedule's seeded <see cref="PlannedFault.Choice"/>.
/// </summary>
public sealed class Nemesis(NetworkCluster cluster)
{
    private static readonly TimeSpan PromotionWait = TimeSpan.FromSeconds(20);

    public int Injected { get; private set; }

    /// <summary>The backup server's faults, and the base backups they started.</summary>
    public BackupNemesis Backups { get; } = new(cluster);

    /// <summary>What the fault hit, for the run's log: <c>node2</c>, <c>node1+witness</c> ...</summary>
    public string LastTarget { get; private set; } = "";

    /// <summary>Hits the witness and a standby (chosen by the seed) at once. Beside three data nodes the witness does not
    /// vote, so the primary keeps 2 of 3 voters and must keep taking writes; before issue 13 this was half of 4 voters.</summary>
    public static FaultTarget WitnessAndStandby { get; } = new("witness+standby");

    public async Task<Func<Task>> InjectAsync(PlannedFault fault, CancellationToken ct)
    {
        if (fault.Target == WitnessAndStandby && fault.Kind == FaultKind.KillHost)
        {
            var standby = await ResolveAsync(fault with { Target = FaultTarget.AnyStandby }, ct);
            var witness = cluster.Nodes + 1;
            Injected++;
            LastTarget = $"{cluster.HostName(witness)}+{cluster.HostName(standby)}";
            await Task.WhenAll(KillHostAsync(witness, ct), KillHostAsync(standby, ct));
            return async () =>
            {
                await RestartHostAsync(witness, ct);
                await RestartHostAsync(standby, ct);
            };
        }
        if (fault.Kind is FaultKind.KillBackupServer or FaultKind.KillBaseBackup or FaultKind.FillArchiveDisk)
        {
            Injected++;
            var undoBackup = await Backups.InjectAsync(fault, ct);
            LastTarget = Backups.LastTarget;
            return undoBackup;
        }
        var target = await ResolveAsync(fault, ct);
        LastTarget = cluster.HostName(target);
        Injected++;
        switch (fault.Kind)
        {
            case FaultKind.KillPostgres:
                await cluster.KillServerAsync(target, ct);
                return () => cluster.StartServerAsync(target, ct);
            case FaultKind.KillAgent or FaultKind.KillAgentStay:
                await cluster.KillAgentAsync(target);
                return () => Task.Run(() => cluster.StartAgent(target), ct);
            case FaultKind.FreezeAgent:
                // The agent alone: its server (and a dead-man switch) run on.
                int[] agent = cluster.Agents.IsRunning(target) ? [cluster.Agents.Pid(target)] : [];
                AgentProcesses.Signal(agent, "STOP");
                LastTarget += agent.Length == 0 ? " (no agent running)" : $" (agent PID {agent[0]})";
                return () => Task.Run(() => AgentProcesses.Signal(agent, "CONT"), ct);
            case FaultKind.StopAgent:
                var clean = await cluster.StopAgentAsync(target);
                LastTarget += clean ? "" : " (the agent ignored SIGTERM for 30 s: killed)";
                return () => Task.Run(() => cluster.StartAgent(target), ct);
            case FaultKind.KillDeadManSwitch:
                LastTarget += $" ({await cluster.KillDeadManSwitchAsync(target, ct)})";
                return () => Task.CompletedTask;
            case FaultKind.KillHost:
                await KillHostAsync(target, ct);
                return () => RestartHostAsync(target, ct);
            case FaultKind.Freeze:
                var frozen = cluster.HostPids(target);
                AgentProcesses.Signal(frozen, "STOP");
                return () => Task.Run(() => AgentProcesses.Signal(frozen, "CONT"), ct);
            case FaultKind.CutNode:
                // Cut from the other nodes while clients still reach it: the case where only a fence stops a lone
                // primary from taking writes, or only the quorum stops a lone standby from promoting itself.
                await cluster.Network.PartitionAsync([cluster.HostName(target)],
                    cluster.AgentIds.Where(id => id != target).Select(cluster.HostName), ct);
                return () => cluster.Network.HealAsync(ct);
            case FaultKind.CutMajority:
                return await SplitWithoutMajorityAsync(target, fault.Choice, ct);
            case FaultKind.AsymmetricCut:
                foreach (var other in cluster.AgentIds.Where(id => id != target))
                {
                    await cluster.Network.DropAsync(cluster.HostName(target), cluster.HostName(other), ct);
                }
                return () => cluster.Network.HealAsync(ct);
            case FaultKind.SlowLink:
                await cluster.Network.ThrottleAsync(cluster.HostName(target), ct);
                return () => cluster.Network.HealAsync(ct);
            case FaultKind.RestartCluster:
                await RestartClusterAsync(ct);
                return () => Task.CompletedTask;
            case FaultKind.KillPrimaryDuringBackup:
                // The base backup streams from the primary: its source dies under it.
                var copying = await Backups.StartCopyingAsync(fault, ct);
                await KillHostAsync(target, ct);
                LastTarget = $"{cluster.HostName(target)} ({copying})";
                return () => RestartHostAsync(target, ct);
            case FaultKind.KillNewPrimary:
                return await KillNewPrimaryAsync(target, ct);
            case FaultKind.Switchover:
                await SwitchoverAsync(target, ct);
                return () => Task.CompletedTask;
            default:
                throw new ArgumentException($"the network cluster has no {fault.Kind.Id()} fault");
        }
    }

    private async Task<int> ResolveAsync(PlannedFault fault, CancellationToken ct)
    {
        var primary = await cluster.PrimaryAsync(ct) ?? 1;
        return fault.Target.Id switch
        {
            "primary" or "cluster" => primary,
            "witness" => cluster.HasWitness ? cluster.Nodes + 1 : throw new ArgumentException("the cluster has no witness"),
            "standby" => Pick(Enumerable.Range(1, cluster.Nodes).Where(id => id != primary).ToList(), fault.Choice),
            _ => fault.Target.NodeId ?? throw new ArgumentException($"the network cluster cannot hit {fault.Target}"),
        };
    }

    private static int Pick(IReadOnlyList<int> candidates, double choice) => candidates[(int)(choice * candidates.Count)];

    /// <summary>Everything of the host dies: its agent, its dead-man switch, its server.</summary>
    private async Task KillHostAsync(int nodeId, CancellationToken ct)
    {
        await cluster.KillAgentAsync(nodeId);
        await cluster.KillDeadManSwitchAsync(nodeId, ct);
        await cluster.KillServerAsync(nodeId, ct);
    }

    /// <summary>A host that comes back: its server starts as it was on disk, then its agent, as a boot would.</summary>
    private async Task RestartHostAsync(int nodeId, CancellationToken ct)
    {
        await cluster.StartServerAsync(nodeId, ct);
        cluster.StartAgent(nodeId);
    }

    /// <summary>Two halves of the hosts: the target and one other host (by the seed) against the rest. The client stays
    /// on the target's side. With four voters neither half had a majority; with three data nodes and a witness that does
    /// not vote, one side always holds 2 of 3 voters (the target's, unless its partner is the witness).</summary>
    private async Task<Func<Task>> SplitWithoutMajorityAsync(int target, double choice, CancellationToken ct)
    {
        var others = cluster.AgentIds.Where(id => id != target).ToList();
        var partner = Pick(others, choice);
        var side = new[] { target, partner }.Select(cluster.HostName).Append(NetworkCluster.ClientHost).ToList();
        var rest = others.Where(id => id != partner).Select(cluster.HostName).ToList();
        LastTarget = string.Join("+", side.SkipLast(1)) + " | " + string.Join("+", rest);
        await cluster.Network.PartitionAsync(side, rest, ct);
        return () => cluster.Network.HealAsync(ct);
    }

    /// <summary>Every agent and server stopped (servers cleanly), then started again: the primary's side first.</summary>
    private async Task RestartClusterAsync(CancellationToken ct)
    {
        LastTarget = "cluster";
        foreach (var id in cluster.AgentIds)
        {
            await cluster.KillAgentAsync(id);
        }
        foreach (var id in cluster.AgentIds)
        {
            await cluster.StopServerAsync(id, ct);
        }
        foreach (var id in cluster.AgentIds)
        {
            await cluster.StartServerAsync(id, ct);
        }
        foreach (var id in cluster.AgentIds.OrderByDescending(id => id == 1 ? 0 : id))
        {
            cluster.StartAgent(id);
        }
    }

    /// <summary>The primary's host dies; the standby promoted in its place dies as soon as it leads. Both come back
    /// when the fault ends, the first one first.</summary>
    private async Task<Func<Task>> KillNewPrimaryAsync(int primary, CancellationToken ct)
    {
        await KillHostAsync(primary, ct);
        var promoted = await WaitForPrimaryAsync(except: primary, ct);
        if (promoted is int second)
        {
            await KillHostAsync(second, ct);
            LastTarget = $"{cluster.HostName(primary)}, then {cluster.HostName(second)}";
            return async () =>
            {
                await RestartHostAsync(primary, ct);
                await RestartHostAsync(second, ct);
            };
        }
        return () => RestartHostAsync(primary, ct);
    }

    private async Task<int?> WaitForPrimaryAsync(int except, CancellationToken ct)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(start) < PromotionWait)
        {
            if (await cluster.PrimaryAsync(ct, except) is int id)
            {
                return id;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, ct);
        }
        return null;
    }

    /// <summary>An operator's switchover to <paramref name="target"/>, run on its host; a refusal (e.g. lag) is no fault
    /// of the cluster's, so only its outcome is logged.</summary>
    private async Task SwitchoverAsync(int target, CancellationToken ct)
    {
        var run = await cluster.TryPgwardAsync(target, ct, "standby", "switchover", "--siblings-follow");
        LastTarget = $"{cluster.HostName(target)} (exit {run.ExitCode})";
    }
}
