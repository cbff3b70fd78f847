using Pgward.Failover;

namespace Pgward.Agent.Failover;

/// <summary>
/// What the failover loop counts for <c>/metrics</c>, since the agent started: elections this node stood in, its
/// promotions, how long the last ones left the cluster without a primary, when the primary's heartbeat last came. Written
/// by the loop and the executor, read by scrapes from any thread.
/// </summary>
public sealed class FailoverCounts
{
    private readonly Lock gate = new();
    private long elections;
    private long failoverPromotions;
    private long switchoverPromotions;
    private double? lastFailoverSeconds;
    private double? lastSwitchoverSeconds;
    private DateTimeOffset? lastHeartbeat;
    private long lateRenewals;

    /// <summary>A copy of the counts as they are now.</summary>
    public FailoverCountsSnapshot Snapshot()
    {
        lock (gate)
        {
            return new(elections, failoverPromotions, switchoverPromotions, lastFailoverSeconds, lastSwitchoverSeconds, lastHeartbeat)
            {
                LateRenewals = lateRenewals,
            };
        }
    }

    /// <summary>After the loop handled one input: counts an election this node began (<see cref="StartsElection"/>), and
    /// notes a primary's heartbeat it accepted (the decisions then set <see cref="FailoverStatus.LastHeard"/> to now).</summary>
    public void Handled(FailoverStatus? before, FailoverStatus after, bool heartbeat, DateTimeOffset now)
    {
        lock (gate)
        {
            if (StartsElection(before, after))
            {
                elections++;
            }
            if (heartbeat && after.LastHeard == now && !after.IsLeader)
            {
                lastHeartbeat = now;
            }
        }
    }

    /// <summary>This node was promoted at <paramref name="now"/>, by an election it began itself (a failover) or on request
    /// (a switchover, or <c>standby promote</c> through the agent). The duration is from the last heartbeat it heard from
    /// the former primary: the time the cluster was without a primary, within one heartbeat interval.</summary>
    public void Promoted(bool onRequest, DateTimeOffset requestedAt, DateTimeOffset now)
    {
        lock (gate)
        {
            var seconds = Math.Max(0, (now - (lastHeartbeat ?? requestedAt)).TotalSeconds);
            if (onRequest)
            {
                switchoverPromotions++;
                lastSwitchoverSeconds = seconds;
            }
            else
            {
                failoverPromotions++;
                lastFailoverSeconds = seconds;
            }
            // A leader hears no primary's heartbeat: the next promotion of this node is measured from a later one.
            lastHeartbeat = null;
        }
    }

    /// <summary>The leader renewed its lease with little of it left (<see cref="Fencing.LeaseMargins"/>).</summary>
    public void LateRenewal()
    {
        lock (gate)
        {
            lateRenewals++;
        }
    }

    /// <summary>Whether <paramref name="after"/> is a vote round that <paramref name="before"/> was not: a new election
    /// this node stands in (a pre-vote that fails asks nobody to change term, and is not counted).</summary>
    public static bool StartsElection(FailoverStatus? before, FailoverStatus after) =>
        after.Election == ElectionPhase.Vote && (before is null || before.Election != ElectionPhase.Vote || before.Term != after.Term);
}
