using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;

namespace Pgward.IntegrationTests.Network;

/// <summary>What happens to a node's processes: host death, restart, freeze, and whether the cluster is healthy.</summary>
public sealed partial class NetworkCluster
{
    public bool ServerRunning(int nodeId) => Core.Postgres.PostmasterPid.RunningPid(DataDirectory(nodeId)) is not null;

    /// <summary>kill -9 of node <paramref name="nodeId"/>'s postmaster (when it runs), as in a crash.</summary>
    public async Task KillServerAsync(int nodeId, CancellationToken ct)
    {
        if (ServerRunning(nodeId))
        {
            await Postmaster.KillAsync(DataDirectory(nodeId), ct);
        }
    }

    /// <summary>Starts node <paramref name="nodeId"/>'s server as it is on disk, on its host, unless it runs.</summary>
    public async Task StartServerAsync(int nodeId, CancellationToken ct)
    {
        if (!ServerRunning(nodeId))
        {
            // The agent may have started it meanwhile: a failed start of a running server is no failure.
            var run = await TryPgwardAsync(nodeId, ct, "node", "service", "--action=start");
            if (run.ExitCode != 0 && !ServerRunning(nodeId))
            {
                throw new InvalidOperationException($"node {nodeId} did not start: {run}");
            }
        }
    }

    /// <summary>Stops node <paramref name="nodeId"/>'s server cleanly (pg_ctl stop -m fast), as a planned restart does.</summary>
    public async Task StopServerAsync(int nodeId, CancellationToken ct)
    {
        if (ServerRunning(nodeId))
        {
            await TryPgwardAsync(nodeId, ct, "node", "service", "--action=stop");
        }
    }

    public async Task KillAgentAsync(int nodeId)
    {
        if (Agents.IsRunning(nodeId))
        {
            await Agents.KillAsync(nodeId);
        }
    }

    /// <summary>A clean stop of node <paramref name="nodeId"/>'s agent (SIGTERM, kill -9 after 30 s), its server left
    /// running; false when it had to be killed.</summary>
    public async Task<bool> StopAgentAsync(int nodeId) => !Agents.IsRunning(nodeId) || await Agents.StopAsync(nodeId, AgentStopTimeout);

    private static readonly TimeSpan AgentStopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>kill -9 of node <paramref name="nodeId"/>'s dead-man switch, when it has one; says what happened.</summary>
    public Task<string> KillDeadManSwitchAsync(int nodeId, CancellationToken ct) => DeadManSwitches.KillAsync(Config(nodeId), ct);

    public void StartAgent(int nodeId)
    {
        if (!Agents.IsRunning(nodeId))
        {
            Agents.Start(nodeId, Config(nodeId), Host(nodeId));
        }
    }

    /// <summary>The PIDs a host freeze stops: the server's processes, the agent and its dead-man switch, those that run.</summary>
    public IReadOnlyList<int> HostPids(int nodeId)
    {
        var pids = ServerRunning(nodeId) ? Postmaster.Pids(DataDirectory(nodeId)).ToList() : [];
        if (Agents.IsRunning(nodeId))
        {
            pids.Add(Agents.Pid(nodeId));
        }
        if (DeadManSwitchState.ReadPid(Config(nodeId)) is { } deadMan && Core.Postgres.PostmasterPid.ProcessAlive(deadMan))
        {
            pids.Add(deadMan);
        }
        return pids;
    }


    /// <summary>
    /// Healthy: one primary its agent leads, every other data node a standby streaming on its timeline, every agent
    /// answering. Returns the primary, or null.
    /// </summary>
    public async Task<int?> HealthyPrimaryAsync(CancellationToken ct)
    {
        var reports = await Task.WhenAll(AgentIds.Select(id => ReportAsync(id, ct)));
        if (reports.Any(r => r is null))
        {
            return null;
        }
        var primaries = Enumerable.Range(1, Nodes).Where(id => reports[id - 1] is { Role: "primary", FailoverState: "primary" }).ToList();
        if (primaries.Count != 1)
        {
            return null;
        }
        var timeline = reports[primaries[0] - 1]!.Timeline;
        var standbysStreaming = Enumerable.Range(1, Nodes).Where(id => id != primaries[0])
            .All(id => reports[id - 1] is { Role: "standby", WalReceiver: "streaming" } standby && standby.Timeline == timeline);
        return standbysStreaming ? primaries[0] : null;
    }
}
