namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>What an operator does through the agents: a switchover's stop, release and manual promotion.</summary>
public sealed partial class SimCluster
{
    /// <summary>The switchover's first step: the primary's server is stopped cleanly and its agent releases the lease.</summary>
    public void StopPrimaryForSwitchover(int id)
    {
        var node = Node(id);
        node.Postgres.Running = false;
        node.Postgres.Fenced = true;
        Record($"node {id} stopped for a switchover");
        Apply(node, node.Agent!.Release(LocalNow(node)), Now);
    }

    /// <summary>An operator asks node <paramref name="id"/>'s agent to promote its standby.</summary>
    public void RequestPromotion(int id)
    {
        var node = Node(id);
        Record($"node {id} asked to promote");
        Apply(node, node.Agent!.RequestPromotion(LocalNow(node)), Now);
    }
}
