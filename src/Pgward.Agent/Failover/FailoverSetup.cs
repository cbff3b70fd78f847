using Pgward.Cluster;
using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Failover;
using CoreFailoverMode = Pgward.Core.Config.FailoverMode;
using CoreReplicationMode = Pgward.Core.Config.ReplicationMode;

namespace Pgward.Agent.Failover;

/// <summary>
/// Turns pgward.conf and the cluster's node records into what <see cref="FailoverNode"/> needs: the voters (every
/// data node with an agent, and a witness where it breaks a tie: <see cref="VoterSet"/>), this node's profile, and the timings.
/// </summary>
public sealed record FailoverSetup(NodeProfile Profile, IReadOnlyList<NodeRecord> Voters, FailoverOptions Options, int? PrimaryId)
{
    /// <summary>The setup, or why automatic failover cannot run on this node.</summary>
    /// <param name="unsafeFaults">The value of <c>PGWARD_UNSAFE</c>, for the fault-injection suite only.</param>
    public static (FailoverSetup? Setup, string? Problem) From(NodeOptions options, IReadOnlyList<NodeRecord> nodes, string? unsafeFaults = null)
    {
        var (faults, unknown) = SafetyFaultNames.Parse(unsafeFaults);
        if (unknown is not null)
        {
            return (null, $"{SafetyFaultNames.Variable} names \"{unknown}\"; the known faults are no-fencing and no-quorum (unset it to run safely)");
        }
        if (options.AgentToken.Length == 0)
        {
            return (null, "agent_token is not set, so agents cannot exchange votes; set the same agent_token on every node");
        }
        if (nodes.FirstOrDefault(n => n.NodeId == options.NodeId && n.AgentUrl is { Length: > 0 }) is not { } self)
        {
            return (null, $"node {options.NodeId} is not registered with an agent URL; register it first");
        }
        var voters = VoterSet.Choose(nodes);
        if (voters.WhyNotVoting(self) is { } notVoting)
        {
            // Only a witness can be left out. Its agent stays out of the protocol altogether: the voters do not send it
            // heartbeats, and it must not stand in for a voter it is not.
            return (null, $"this witness does not vote: {notVoting}");
        }
        var primary = nodes.FirstOrDefault(n => n.Type == NodeType.Primary && n.Active);
        FailoverOptions timings;
        try
        {
            timings = Timings(options) with { UnsafeFaults = faults };
            timings.Validate();
        }
        catch (ArgumentException e)
        {
            return (null, $"{e.Message}; adjust fence_timeout, reconnect_attempts or reconnect_interval in pgward.conf");
        }
        var profile = new NodeProfile(
            self.NodeId,
            IsWitness: self.Type == NodeType.Witness,
            Priority: self.Type == NodeType.Witness ? 0 : options.Priority,
            Failover: options.Failover == CoreFailoverMode.Automatic ? Pgward.Failover.FailoverMode.Automatic : Pgward.Failover.FailoverMode.Manual,
            LocationAllowed: primary is null || primary.Location == options.Location);
        return (new FailoverSetup(profile, voters.Voters, timings, primary?.NodeId), null);
    }

    /// <summary>
    /// The protocol's timings from repmgr's keys: heartbeats at a quarter of <c>monitor_interval_secs</c> (a 1 s stall then leaves the primary acknowledged within the fence timeout), the fence after
    /// <c>fence_timeout</c>, voters' leases 4/3 of that (2 s for 1.5 s: clocks may run 10 % apart), detection after
    /// <c>reconnect_attempts × reconnect_interval</c>.
    /// </summary>
    public static FailoverOptions Timings(NodeOptions options) => new()
    {
        HeartbeatInterval = options.MonitorInterval / 4,
        FenceTimeout = options.FenceTimeout,
        LeaseDuration = options.FenceTimeout * 4 / 3,
        FailoverTimeout = options.ReconnectInterval * options.ReconnectAttempts,
        ReplicationMode = options.ReplicationMode == CoreReplicationMode.Sync ? Pgward.Failover.ReplicationMode.Sync : Pgward.Failover.ReplicationMode.Async,
        MaximumLagOnFailover = options.MaximumLagOnFailover > 0 ? (ulong)options.MaximumLagOnFailover : null,
        AutoRejoin = options.AutoRejoin,
        CommitLease = options.CommitLease && options.ReplicationMode == CoreReplicationMode.Async,
    };

    /// <summary>A majority of the voters.</summary>
    public int Majority => Voters.Count / 2 + 1;

    /// <summary><c>ANY k</c> in sync mode: with k = voters − majority, every majority without the primary holds a
    /// standby that flushed each acknowledged commit.</summary>
    public int SyncStandbyCount => Math.Max(1, Voters.Count - Majority);
}
