namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>The dead-man switch of each data node (<see cref="SimDeadManSwitch"/>) and what the agent does about it.</summary>
public sealed partial class SimCluster
{
    /// <summary>What the agent publishes after every input it handles: its commit deadline, and armed while the node is
    /// an unfenced leader or its server is writable (a writable server that may not take writes has a past deadline and
    /// is stopped at once). A standby, or a fenced node whose server is read-only, disarms it.</summary>
    private void PublishToSwitch(SimNode node)
    {
        if (node.Profile.IsWitness || node.Agent is not { } agent)
        {
            return;
        }

        var armed = agent.Status is { IsLeader: true, Fenced: false } || node.Writable;
        node.Switch.Publish(agent.CommitsAllowedUntil, armed);
    }

    /// <summary>The switch looks at its node's clock: armed and past the deadline, it stops the server at once (an
    /// immediate stop: no commit of any kind after it). The guard makes whatever starts it again start it read-only.</summary>
    private void RunSwitch(SimNode node)
    {
        if (!Settings.DeadManSwitch || node.Profile.IsWitness || node.Crashed || node.Frozen || !node.Postgres.Running
            || !node.Switch.Fires(LocalNow(node)))
        {
            return;
        }

        node.Postgres.Running = false;
        node.Postgres.Fenced = true;
        node.StoppedBySwitch = true;
        SwitchStops.Add((Elapsed, node.Id, AgentGone: !node.AgentRuns));
        Record($"node {node.Id} server stopped by the dead-man switch ({(node.AgentRuns ? "agent running" : "agent gone")})");
    }

    /// <summary>
    /// Assumed of the agent (the fix must do it; today's agent starts no server that is down): a server the switch
    /// stopped is started again read-only at the agent's next tick, as its fence does, so that it can rejoin. And as the
    /// agent's reconcile does, an unfenced leader's read-only server is made writable again: the switch may have fired
    /// just before a late acknowledgement renewed the lease.
    /// </summary>
    private void StartAfterSwitch(SimNode node)
    {
        if (!node.StoppedBySwitch || node.Crashed)
        {
            return;
        }

        node.StoppedBySwitch = false;
        node.Postgres.Running = true;
        node.Postgres.Fenced = true;
        Record($"node {node.Id} server started again read-only after the dead-man switch");
    }

    private void ReconcileAfterTick(SimNode node)
    {
        var pg = node.Postgres;
        if (node.Agent?.Status is { IsLeader: true, Fenced: false } && pg.Running && pg.IsPrimary && pg.Fenced)
        {
            pg.Fenced = false;
            Record($"node {node.Id} unfenced by its agent's reconcile (an unfenced leader with a read-only server)");
            PublishToSwitch(node);
        }
    }
}
