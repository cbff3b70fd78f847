using Microsoft.Extensions.Logging;
using Pgward.Cluster;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Failover;

/// <summary>
/// Keeps the agents' addresses in the node records right. A node registered before its agent's settings were written
/// (the usual order by hand: register, clone, then turn the agents on) has a record that names another port than the
/// one its agent listens on, and the other agents would send it nothing: the agent corrects its own record when it
/// starts, and every agent re-reads the others' addresses while it runs.
/// </summary>
internal static class AgentUrls
{
    /// <summary>How often an agent re-reads the other agents' addresses: 5 s.</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(5);

    /// <summary>The node records with this node's own agent URL as it listens, written to the primary when the record
    /// differed.</summary>
    public static async Task<IReadOnlyList<NodeRecord>> CorrectOwnAsync(OperationContext ctx, IReadOnlyList<NodeRecord> nodes, ILogger logger,
        CancellationToken ct)
    {
        var url = NodeRecords.AgentUrl(ctx.Options);
        if (nodes.FirstOrDefault(n => n.NodeId == ctx.Options.NodeId) is not { } self || self.AgentUrl == url)
        {
            return nodes;
        }
        var corrected = self with { AgentUrl = url };
        await using var primary = await ClusterMetadata.ConnectPrimaryAsync(ctx, nodes, ct);
        if (primary is null)
        {
            FailoverLog.AgentUrlDiffers(logger, self.AgentUrl ?? "none", url, "no primary reachable to correct the record; the other agents cannot reach this one");
        }
        else
        {
            await primary.Store.UpsertNodeAsync(corrected, ct);
            FailoverLog.AgentUrlDiffers(logger, self.AgentUrl ?? "none", url, "record corrected; the other agents pick it up within 5 s");
        }
        return [.. nodes.Select(n => n.NodeId == self.NodeId ? corrected : n)];
    }

    /// <summary>Points the transport at the addresses the records give, every <see cref="RefreshPeriod"/>, until the
    /// token ends. A voter added or removed still needs every agent restarted.
    /// <para>The reads keep their connection open between refreshes. A new one each time cost the agent a TLS handshake and
    /// a SCRAM exchange every 5 s (about 7 % of an idle standby agent's CPU) and its server a new backend; a kept
    /// connection that broke fails the next read, which then asks the other nodes as before, and is not reused.</para></summary>
    public static async Task RefreshAsync(OperationContext ctx, FailoverTransport transport, IReadOnlyList<NodeRecord> voters, ILogger logger,
        CancellationToken ct)
    {
        await using var kept = new DbConnector(keepIdle: 3 * RefreshPeriod);
        var reading = ctx.With(kept);
        using var timer = new PeriodicTimer(RefreshPeriod, ctx.Time);
        while (await Ticks.NextAsync(timer, ct))
        {
            var (source, _) = await ClusterMetadata.ReadAsync(reading, ct);
            foreach (var record in source?.Nodes ?? [])
            {
                if (record.NodeId != ctx.Options.NodeId && record.AgentUrl is { Length: > 0 } url && voters.Any(v => v.NodeId == record.NodeId)
                    && transport.Repoint(record.NodeId, url))
                {
                    FailoverLog.PeerMoved(logger, record.NodeId, url);
                }
            }
        }
    }
}
