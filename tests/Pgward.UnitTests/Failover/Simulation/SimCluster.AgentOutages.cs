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
        // A leaving agent killed mid-handover is gone with its handover: the one started next is not leaving (else its
        // actions were dropped as a leaving agent's, and a win of its never promoted the server: seed 5161).
        node.LeavingUntil = null;
        Record($"node {id} agent gone (killed)");
    }

    /// <summary>
    /// The agent is stopped cleanly (<c>daemon stop</c>, SIGTERM). The agent of a primary it leads hands the role over as
    /// <c>FailoverDriver.LeaveAsync</c> does: the server stopped, the lease given up with an election at once, then for
    /// up to 10 s only answers to other agents, until a successor speaks. Any other agent is gone at once.
    /// </summary>
    public void StopAgent(int id)
    {
        var node = Node(id);
        if (node.Crashed || node.Frozen || node.AgentOutage != AgentOutage.None || node.LeavingUntil is not null)
        {
            return;
        }

        var successors = Nodes.Any(n => n.Id != id && n.Profile.CanStand);
        if (node.Agent?.Status is { IsLeader: true, Fenced: false, Paused: false } status && node.Writable && successors)
        {
            node.Postgres.Running = false;
            node.Postgres.Fenced = true;
            node.HandedOver = true;
            node.LeavingUntil = Now + TimeSpan.FromSeconds(10);
            node.LeavingTerm = status.Term;
            HandOvers.Add((Elapsed, id));
            Record($"node {id} agent stopping: hands the primary role of term {status.Term} over");
            Apply(node, node.Agent.Release(LocalNow(node), electNow: true), Now);
            return;
        }

        KillAgent(id);
    }

    /// <summary>A leaving agent goes once its successor speaks or its wait is over (or <paramref name="atOnce"/>).</summary>
    public void EndHandOver(SimNode node, bool atOnce = false)
    {
        if (node.LeavingUntil is not { } until || node.Agent is not { } agent || !node.AgentRuns)
        {
            return;
        }

        var status = agent.Status;
        var succeeded = status.Term > node.LeavingTerm && status.PrimaryId is { } successor && successor != node.Id;
        if (succeeded || atOnce || Now >= until)
        {
            node.LeavingUntil = null;
            Record($"node {node.Id} agent gone after the handover ({(succeeded ? $"node {status.PrimaryId} took over" : "no successor heard")})");
            KillAgent(node.Id);
        }
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
            if (node.HandedOver && !node.Postgres.Running)
            {
                node.Postgres.Running = true;
                node.Postgres.Fenced = true;
                Record($"node {id} server started again read-only: its agent stopped it for a handover");
            }

            node.HandedOver = false;
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
