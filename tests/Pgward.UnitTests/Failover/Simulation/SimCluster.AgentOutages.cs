namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>The agent gone while its PostgreSQL runs on (issue 13): killed, stopped or frozen, then back or not.</summary>
public sealed partial class SimCluster
{
    /// <summary>The agent is killed or stopped: its state is lost, messages to it are dropped, the dead-man switch keeps
    /// the last deadline it published.</summary>
    public void KillAgent(int id)
    {
        var node = Node(id);
        if (node.Crashed || node.AgentOutage == AgentOutage.Dead)
        {
            return;
        }

        node.AgentOutage = AgentOutage.Dead;
        node.Agent = null;
        node.Held.Clear();
        Record($"node {id} agent gone (killed)");
    }

    /// <summary>SIGSTOP of the agent alone: no ticks, messages held; PostgreSQL and the switch run on.</summary>
    public void FreezeAgent(int id)
    {
        var node = Node(id);
        if (node.Crashed || node.AgentOutage != AgentOutage.None)
        {
            return;
        }

        node.AgentOutage = AgentOutage.Frozen;
        Record($"node {id} agent frozen");
    }

    /// <summary>
    /// The agent is back. A frozen one resumes with its state and handles the messages held meanwhile; a dead one
    /// starts afresh as the real agent does (<c>FailoverDriver.RunAsync</c>): from its durable voter state, treating a
    /// server it finds writable as unfenced for one fence timeout (<see cref="Pgward.Failover.FailoverNode.AssumeWritable"/>),
    /// then a first tick before any message. On a frozen host it comes back with the host.
    /// </summary>
    public void ResumeAgent(int id)
    {
        var node = Node(id);
        if (node.Crashed || node.Frozen || node.AgentOutage == AgentOutage.None)
        {
            return;
        }

        var outage = node.AgentOutage;
        node.AgentOutage = AgentOutage.None;
        if (outage == AgentOutage.Frozen)
        {
            Record($"node {id} agent resumed with {node.Held.Count} messages held");
            HandleHeld(node);
        }
        else
        {
            StartAgent(node);
            var assumed = node.Writable;
            if (assumed)
            {
                node.Agent!.AssumeWritable(LocalNow(node), node.Switch.Armed ? node.Switch.Deadline : null);
            }

            Record($"node {id} agent restarted{(assumed ? " beside a writable primary" : "")}");
        }

        TickAgent(node, Now);
    }

    private void HandleHeld(SimNode node)
    {
        var held = node.Held.ToList();
        node.Held.Clear();
        foreach (var message in held)
        {
            Apply(node, node.Agent!.Receive(message.From, message.Message, LocalNow(node)), Now);
        }
    }
}
