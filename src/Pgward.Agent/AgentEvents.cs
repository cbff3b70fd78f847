using Pgward.Cluster;

namespace Pgward.Agent;

/// <summary>
/// Records an event of this node's agent: in <c>pgward.events</c> on the primary when one is reachable, and always
/// through <c>event_notification_command</c>.
/// </summary>
public sealed class AgentEvents(OperationContext ctx)
{
    public async Task RecordAsync(string eventName, bool success, string details, CancellationToken ct)
    {
        var (source, _) = await ClusterMetadata.ReadAsync(ctx, ct);
        await using var primary = source is null ? null : await ClusterMetadata.ConnectPrimaryAsync(ctx, source.Nodes, ct);
        await ctx.Events.RecordAsync(primary?.Store,
            new ClusterEvent(ctx.Options.NodeId, ctx.Options.NodeName, eventName, success, details), ct);
    }
}
