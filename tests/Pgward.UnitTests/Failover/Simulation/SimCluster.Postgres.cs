using Pgward.Failover;

namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>The PostgreSQL model: writes, WAL streaming with feedback, promotion and following.</summary>
public sealed partial class SimCluster
{
    private readonly Dictionary<int, (int Parent, ulong ForkLsn)> forks = [];
    private int maxTimeline = 1;

    /// <summary>Standbys whose replication is broken: they receive no WAL.</summary>
    public HashSet<int> WalStopped { get; } = [];

    private void RunPostgres(DateTimeOffset now)
    {
        foreach (var node in Nodes.Where(AcknowledgesSyncCommits))
        {
            var pg = node.Postgres;
            pg.Lsn += (ulong)random.Next(0, Settings.WriteBytesPerStep + 1);
            var acked = Settings.Options.ReplicationMode == ReplicationMode.Async ? pg.Lsn : SyncAcked(pg);
            pg.AckedLsn = Math.Max(pg.AckedLsn, acked);
            AckedCommitLsn = Math.Max(AckedCommitLsn, pg.AckedLsn);
        }

        foreach (var standby in Nodes.Where(node => !node.Profile.IsWitness && !node.Crashed && !node.Frozen && !WalStopped.Contains(node.Id)))
        {
            if (!standby.Postgres.IsPrimary && standby.Postgres.UpstreamId is int upstreamId)
            {
                var upstream = Node(upstreamId);
                if (!upstream.Crashed && !upstream.Frozen && upstream.Postgres.IsPrimary)
                {
                    Network.Send(new WalData(upstreamId, standby.Id, upstream.Postgres.Timeline, upstream.Postgres.Lsn), now);
                }
            }
        }
    }

    private ulong SyncAcked(SimPostgres primary)
    {
        var k = Settings.SyncStandbys;
        if (k == 0)
        {
            return primary.Lsn;
        }

        var flushed = primary.Flushed.Values.OrderDescending().ToList();
        return flushed.Count >= k ? Math.Min(flushed[k - 1], primary.Lsn) : 0;
    }

    private void DeliverWal(SimNode node, SimMessage message, DateTimeOffset now)
    {
        var pg = node.Postgres;
        switch (message)
        {
            case WalData wal when !pg.IsPrimary && pg.UpstreamId == wal.From && pg.Timeline == wal.Timeline:
                pg.Lsn = Math.Max(pg.Lsn, wal.Lsn);
                Network.Send(new WalFlushed(node.Id, wal.From, pg.Timeline, pg.Lsn), now);
                break;
            case WalData wal when !pg.IsPrimary && pg.UpstreamId == wal.From && pg.Timeline < wal.Timeline:
                // Streams the old timeline up to the fork first; the standby's timeline is that of the last
                // record it received, so it switches only once it receives past the fork.
                var fork = Divergence(pg.Timeline, wal.Timeline);
                pg.Lsn = Math.Max(pg.Lsn, Math.Min(wal.Lsn, fork));
                if (pg.Lsn == fork && wal.Lsn > fork)
                {
                    pg.Timeline = wal.Timeline;
                    pg.Lsn = wal.Lsn;
                }

                break;
            case WalFlushed flushed when pg.IsPrimary && pg.Timeline == flushed.Timeline:
                pg.Flushed[flushed.From] = Math.Max(pg.Flushed.GetValueOrDefault(flushed.From), flushed.Lsn);
                break;
        }
    }

    private void PromotePostgres(SimNode node, long term)
    {
        CheckPromotion(node);
        var pg = node.Postgres;
        forks[++maxTimeline] = (pg.Timeline, pg.Lsn);
        pg.Timeline = maxTimeline;
        pg.IsPrimary = true;
        pg.Fenced = false;
        pg.UpstreamId = null;
        pg.AckedLsn = 0;
        pg.Flushed.Clear();
        node.LedTerm = term;
        Promotions.Add((Elapsed, node.Id, term));
        Record($"node {node.Id} promoted in term {term} at {pg.Lsn:X} on timeline {pg.Timeline}");
    }

    /// <summary>Points a standby (or a rejoining old primary) at a new upstream, as pg_rewind would: WAL
    /// past the point where its history left the upstream's is discarded.</summary>
    private void FollowPostgres(SimNode node, int primaryId)
    {
        var pg = node.Postgres;
        var target = Node(primaryId).Postgres.Timeline;
        if (target != pg.Timeline)
        {
            // Past the fork its WAL is on an abandoned branch: pg_rewind takes it back to the fork, on its
            // timeline; streaming then carries it onto the new one.
            pg.Lsn = Math.Min(pg.Lsn, Divergence(pg.Timeline, target));
        }

        pg.UpstreamId = primaryId;
        Record($"node {node.Id} follows {primaryId} on timeline {target}");
    }

    private ulong Divergence(int mine, int theirs)
    {
        var myAncestry = Ancestry(mine);
        var theirAncestry = Ancestry(theirs);
        var common = theirAncestry.First(myAncestry.Contains);
        return Math.Min(ForkOfChild(myAncestry, common), ForkOfChild(theirAncestry, common));
    }

    private ulong ForkOfChild(List<int> ancestry, int common)
    {
        var index = ancestry.IndexOf(common);
        return index == 0 ? ulong.MaxValue : forks[ancestry[index - 1]].ForkLsn;
    }

    private List<int> Ancestry(int timeline)
    {
        var list = new List<int> { timeline };
        while (forks.TryGetValue(list[^1], out var fork))
        {
            list.Add(fork.Parent);
        }

        return list;
    }
}
