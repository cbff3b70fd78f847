using Pgward.Failover;

namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>Safety invariants, checked as the simulation runs.</summary>
public sealed partial class SimCluster
{
    private void CheckOneWritablePrimary()
    {
        var writable = Nodes.Where(node => node.Writable).Select(node => node.Id).ToList();
        if (writable.Count > 1)
        {
            Violate($"nodes {string.Join(", ", writable)} are all writable");
        }
    }

    /// <summary>Before a promotion: in sync mode the candidate holds every acknowledged commit; in any mode,
    /// when every data node may stand, it holds everything a majority of voters holds on its timeline.</summary>
    private void CheckPromotion(SimNode candidate)
    {
        var lsn = candidate.Postgres.Lsn;
        if (Settings.Options.ReplicationMode == ReplicationMode.Sync && lsn < AckedCommitLsn)
        {
            Violate($"node {candidate.Id} promoted at {lsn:X}, behind acknowledged commit {AckedCommitLsn:X}");
        }

        if (Nodes.Where(node => !node.Profile.IsWitness).All(node => node.Profile.CanStand))
        {
            var held = Nodes
                .Select(node => !node.Profile.IsWitness && node.Postgres.Timeline == candidate.Postgres.Timeline ? node.Postgres.Lsn : 0)
                .OrderDescending()
                .ToList();
            var majorityHeld = held[Settings.VoterCount / 2];
            if (lsn < majorityHeld)
            {
                Violate($"node {candidate.Id} promoted at {lsn:X}, behind {majorityHeld:X} held by a majority");
            }
        }
    }

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
