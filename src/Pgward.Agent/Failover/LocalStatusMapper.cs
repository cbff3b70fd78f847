using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Failover;

namespace Pgward.Agent.Failover;

/// <summary>What the failover logic is told about the local server, from a <see cref="LocalObservation"/>.</summary>
public static class LocalStatusMapper
{
    /// <param name="syncNames">In sync mode, the standbys whose flush positions count, and how many must hold a commit.</param>
    public static LocalStatus Map(LocalObservation seen, IReadOnlyList<NodeRecord> nodes, (IReadOnlyCollection<string> Names, int K)? syncNames)
    {
        if (!seen.Running)
        {
            return LocalStatus.None;
        }
        var isPrimary = !seen.InRecovery || seen.Guarded;
        var acked = !seen.InRecovery && syncNames is { } sync ? SyncAcknowledged(seen, sync.Names, sync.K) : seen.Lsn;
        return new LocalStatus(true, isPrimary, seen.Timeline, seen.Lsn.Value, acked.Value,
            isPrimary ? null : UpstreamOf(seen.PrimaryConninfo, nodes), Streaming: !isPrimary && seen.Streaming,
            Guarded: seen.InRecovery && seen.Guarded, ApplyDelayed: !isPrimary && seen.ApplyDelayed);
    }

    /// <summary>What <c>ANY k</c> of the named standbys flushed: the k-th highest position, or nothing.</summary>
    public static Lsn SyncAcknowledged(LocalObservation seen, IReadOnlyCollection<string> names, int k)
    {
        var flushed = seen.Flushed.Where(f => names.Contains(f.Name)).Select(f => f.Flushed).OrderDescending().ToList();
        return flushed.Count >= k ? flushed[k - 1] : Lsn.Invalid;
    }

    /// <summary>The node whose host and port <c>primary_conninfo</c> names. The last answer is kept: every tick asks,
    /// and parsing the setting and each node's conninfo again was 4 % of an idle standby agent's CPU.</summary>
    public static int? UpstreamOf(string primaryConninfo, IReadOnlyList<NodeRecord> nodes)
    {
        if (lastUpstream is { } last && ReferenceEquals(last.Nodes, nodes) && last.PrimaryConninfo == primaryConninfo)
        {
            return last.NodeId;
        }
        var found = FindUpstream(primaryConninfo, nodes);
        lastUpstream = new UpstreamAnswer(primaryConninfo, nodes, found);
        return found;
    }

    private sealed record UpstreamAnswer(string PrimaryConninfo, IReadOnlyList<NodeRecord> Nodes, int? NodeId);

    // One reference, replaced whole: a reader on another thread sees one answer or the other, never a mix.
    private static volatile UpstreamAnswer? lastUpstream;

    private static int? FindUpstream(string primaryConninfo, IReadOnlyList<NodeRecord> nodes)
    {
        if (primaryConninfo.Length == 0 || !Conninfo.TryParse(primaryConninfo, out var upstream, out _))
        {
            return null;
        }
        return nodes.FirstOrDefault(n => Conninfo.TryParse(n.Conninfo, out var c, out _)
            && c!.Host == upstream!.Host && c.Port == upstream.Port)?.NodeId;
    }
}
