namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>Message delivery and the faults a test can inject.</summary>
public sealed partial class SimCluster
{
    private void Deliver(SimMessage message, DateTimeOffset now)
    {
        var node = Node(message.To);
        if (node.Crashed)
        {
            return;
        }

        if (message is AgentMessage agentMessage)
        {
            if (node.Frozen || node.AgentOutage == AgentOutage.Frozen)
            {
                node.Held.Add(agentMessage);
            }
            else if (node.AgentOutage == AgentOutage.None)
            {
                Apply(node, node.Agent!.Receive(agentMessage.From, agentMessage.Message, LocalNow(node)), now);
            }
        }
        else if (!node.Frozen && !node.Profile.IsWitness)
        {
            DeliverWal(node, message, now);
        }
    }

    /// <summary>Host death: the agent and PostgreSQL stop; what is on disk (voter state, WAL) stays.</summary>
    public void Crash(int id)
    {
        var node = Node(id);
        node.Crashed = true;
        node.Frozen = false;
        node.Agent = null;
        node.AgentOutage = AgentOutage.None;
        node.Held.Clear();
        node.Postgres.Running = false;
        node.StoppedBySwitch = false;
        node.LeavingUntil = null;
        node.HandedOver = false;
        node.Switch.Reset();
        Record($"node {id} crashed");
    }

    /// <summary>The host comes back: the agent starts afresh from its durable state and starts PostgreSQL fenced.</summary>
    public void Restart(int id)
    {
        var node = Node(id);
        node.Crashed = false;
        node.Postgres.Running = true;
        node.Postgres.Fenced = true;
        StartAgent(node);
        Record($"node {id} restarted");
    }

    /// <summary>SIGSTOP of agent, dead-man switch and PostgreSQL: no ticks, no writes, messages held.</summary>
    public void Freeze(int id)
    {
        Node(id).Frozen = true;
        Record($"node {id} frozen");
    }

    /// <summary>SIGCONT: held messages are processed in a burst, then the agent ticks and the switch looks at the clock —
    /// at the same simulated instant, before PostgreSQL can take a write (see docs/failover.md on the window this
    /// leaves in reality). An agent gone on its own stays gone.</summary>
    public void Unfreeze(int id)
    {
        var node = Node(id);
        if (!node.Frozen)
        {
            return;
        }

        node.Frozen = false;
        if (node.AgentRuns)
        {
            Record($"node {id} unfrozen with {node.Held.Count} messages held");
            HandleHeld(node);
            TickAgent(node, Now);
        }
        else
        {
            Record($"node {id} unfrozen, its agent still gone");
        }

        RunSwitch(node);
    }

    /// <summary>Cuts every link to and from <paramref name="id"/>.</summary>
    public void Isolate(int id)
    {
        foreach (var other in voterIds.Where(other => other != id))
        {
            Network.Cut(id, other);
            Network.Cut(other, id);
        }
    }

    /// <summary>Cuts both directions between two nodes.</summary>
    public void Cut(int a, int b)
    {
        Network.Cut(a, b);
        Network.Cut(b, a);
    }

    public void Heal() => Network.Heal();

    public void SetPaused(bool paused) => pause.IsSet = paused;

    public long Term(int id) => Node(id).Store.Load().CurrentTerm;
}
