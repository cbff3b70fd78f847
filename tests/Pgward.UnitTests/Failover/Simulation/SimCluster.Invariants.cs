using Pgward.Failover;

namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>Safety invariants, checked as the simulation runs.</summary>
public sealed partial class SimCluster
{
    /// <summary>At most one node acknowledges commits that wait for a synchronous standby (<c>synchronous_commit =
    /// on</c>): in async mode with the commit lease, a writable primary whose lease lapsed holds them.</summary>
    private void CheckOneNodeAcknowledgesSyncCommits()
    {
        var writable = Nodes.Where(AcknowledgesSyncCommits).Select(node => node.Id).ToList();
        if (writable.Count > 1)
        {
            Violate($"nodes {string.Join(", ", writable)} are all writable");
        }
    }

    /// <summary>At most one node acknowledges commits of any kind: a session with <c>synchronous_commit = local</c> (or
    /// <c>off</c>) waits for no standby and no commit lease, so every server running as a writable primary
    /// acknowledges it. Only stopping the server (the fence, or the dead-man switch when the agent is gone) ends that.</summary>
    private void CheckOneNodeAcknowledgesLocalCommits()
    {
        var writable = Nodes.Where(AcknowledgesLocalCommits).Select(node => node.Id).ToList();
        if (writable.Count > 1)
        {
            Violate($"nodes {string.Join(", ", writable)} all acknowledge synchronous_commit = local commits");
        }
    }

    /// <summary>At most one node's commit lease is open at any instant, each judged on its own clock: the real agent
    /// acknowledges WAL to its PostgreSQL only inside it. A frozen node counts: its lease runs out on the wall clock
    /// while it is frozen, and its first act on resuming is to look at it.</summary>
    private void CheckOneCommitLease()
    {
        var open = Nodes.Where(node => !node.Crashed && node.Agent is { } agent && LocalNow(node) < agent.CommitsAllowedUntil)
            .Select(node => node.Id).ToList();
        if (open.Count > 1)
        {
            Violate($"nodes {string.Join(", ", open)} all hold an open commit lease");
        }
    }

    /// <summary>A running agent that leads unfenced is never more than a tick interval past its lease's end on its own
    /// clock (and the simulation's step): it fences at its first tick after that end, whether the host ticks it at every
    /// interval or, while it is steady, once per heartbeat (<see cref="FailoverNode.NextTickWithin"/>). A leader with no
    /// lease to end (unguarded, or the NoFencing fault) is exempt.</summary>
    private void CheckFenceOnTime()
    {
        foreach (var node in Nodes)
        {
            if (node is { AgentRuns: true, Agent: { Status: { IsLeader: true, Fenced: false } } agent }
                && agent.CommitsAllowedUntil != DateTimeOffset.MaxValue
                && LocalNow(node) > agent.CommitsAllowedUntil + Settings.Options.TickInterval + Step * node.ClockRate)
            {
                Violate($"node {node.Id} leads unfenced {(LocalNow(node) - agent.CommitsAllowedUntil).TotalMilliseconds:0} ms after its lease ended");
            }
        }
    }

    private (int Timeline, ulong Lsn)[] lastWritable = [];
    private int lastWriterTimeline = 1;

    /// <summary>What every node held at the last instant some primary was writable. WAL written before a fence
    /// may still reach a standby after it voted; what counts is what a majority held while writes were taken.</summary>
    private void SnapshotWhileWritable()
    {
        if (Nodes.FirstOrDefault(AcknowledgesSyncCommits) is { } writer)
        {
            lastWriterTimeline = writer.Postgres.Timeline;
            lastWritable = Nodes.Select(node => node.Profile.IsWitness ? (0, 0UL) : (node.Postgres.Timeline, node.Postgres.Lsn)).ToArray();
        }
    }

    /// <summary>Before a promotion: in sync mode the candidate holds every acknowledged commit; in any mode,
    /// when every data node may stand, its history contains all WAL a majority of voters held at the last
    /// instant a primary was writable.</summary>
    private void CheckPromotion(SimNode candidate)
    {
        var lsn = candidate.Postgres.Lsn;
        if (Settings.Options.ReplicationMode == ReplicationMode.Sync && lsn < AckedCommitLsn)
        {
            Violate($"node {candidate.Id} promoted at {lsn:X}, behind acknowledged commit {AckedCommitLsn:X}");
        }

        if (lastWritable.Length > 0 && Nodes.Where(node => !node.Profile.IsWitness).All(node => node.Profile.CanStand))
        {
            var held = lastWritable.Select(HeldOnWriterHistory).OrderDescending().ToList();
            var majorityHeld = held[Settings.VoterCount / 2];
            var candidateHeld = HeldOnWriterHistory((candidate.Postgres.Timeline, lsn));
            if (candidateHeld < majorityHeld)
            {
                Violate($"node {candidate.Id} promoted holding {candidateHeld:X} of the last writer's history, behind {majorityHeld:X} held by a majority");
            }
        }
    }

    /// <summary>How much of the last writer's WAL history a node at (timeline, lsn) holds.</summary>
    private ulong HeldOnWriterHistory((int Timeline, ulong Lsn) state) =>
        state.Timeline == 0 ? 0
        : state.Timeline == lastWriterTimeline ? state.Lsn
        : Math.Min(state.Lsn, Divergence(state.Timeline, lastWriterTimeline));

    private void Violate(string what)
    {
        var line = $"seed {seed} at {Elapsed.TotalSeconds:0.000} s: {what}";
        if (Violations.Count < 20)
        {
            Violations.Add(line);
        }

        Record("VIOLATION " + what);
    }
}
