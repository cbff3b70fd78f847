using Pgward.Cluster.Agents;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// The other standbys of the primary that <c>standby promote</c> replaces, as repmgr's: with <c>--siblings-follow</c>
/// each is re-pointed at the promoted node through its agent (<c>follow</c>, as a switchover's siblings are; pgward has
/// no SSH), and without it the command names them and how to re-point them. A sibling whose agent does not answer is
/// named with the command to run on it; the promotion stands either way.
/// </summary>
public sealed class PromotedSiblings(OperationContext ctx)
{
    /// <summary>How long a sibling's follow may take beyond standby_follow_timeout: the HTTP round trip and a restart.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Read before the promotion, from the metadata: the active standbys that follow the same upstream as this
    /// node (the primary it replaces), this node excluded. Empty when the metadata cannot be read (the promotion says why).</summary>
    public async Task<IReadOnlyList<NodeRecord>> FindAsync(CancellationToken ct)
    {
        var (source, _) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source?.Nodes.FirstOrDefault(n => n.NodeId == ctx.Options.NodeId) is not { UpstreamNodeId: { } upstream })
        {
            return [];
        }
        return [.. source.Nodes.Where(n => n.Type == NodeType.Standby && n.Active && n.NodeId != ctx.Options.NodeId && n.UpstreamNodeId == upstream)];
    }

    /// <summary>Before a dry run's promotion: which siblings would be re-pointed, and whether their agents answer.</summary>
    public async Task DryRunAsync(IReadOnlyList<NodeRecord> siblings, bool follow, CancellationToken ct)
    {
        if (!follow)
        {
            Hint(siblings);
            return;
        }
        using var agents = new AgentClient(ctx.Options, ctx.Time);
        foreach (var sibling in siblings)
        {
            if (await AgentAccess.ProblemAsync(agents, sibling.AgentUrl, ctx.Options.AgentToken, ct, AgentTimeout) is { } why)
            {
                ctx.Reporter.Warning($"{sibling.Describe()} could not be re-pointed: {why}; run \"pgward standby follow\" on it after the promotion");
            }
            else
            {
                ctx.Reporter.Notice($"would re-point {sibling.Describe()} to {ctx.LocalNode} through its agent at {sibling.AgentUrl}");
            }
        }
    }

    /// <summary>After the promotion: re-points each sibling (<paramref name="follow"/>), or names them; one that could not
    /// be re-pointed is a warning, for the promotion stands.</summary>
    public async Task FollowAsync(IReadOnlyList<NodeRecord> siblings, bool follow, CancellationToken ct)
    {
        if (!follow)
        {
            Hint(siblings);
            return;
        }
        using var agents = new AgentClient(ctx.Options, ctx.Time);
        foreach (var sibling in siblings)
        {
            if (AgentAccess.Unaskable(sibling.AgentUrl, ctx.Options.AgentToken) is { } why)
            {
                ctx.Reporter.Warning($"{sibling.Describe()} was not re-pointed: {why}; run \"pgward standby follow\" on it");
                continue;
            }
            ctx.Reporter.Notice($"re-pointing {sibling.Describe()} to {ctx.LocalNode}");
            var reply = await agents.PostControlAsync(sibling.AgentUrl!, "follow", new FollowRequest(ctx.Options.NodeId), AgentJson.Context.FollowRequest, ct,
                ctx.Options.StandbyFollowTimeout + Slack);
            if (reply is { Body.Ok: true })
            {
                ctx.Reporter.Notice($"{sibling.Describe()} now follows {ctx.LocalNode}");
                continue;
            }
            ctx.Reporter.Warning($"{sibling.Describe()} was not re-pointed: {reply.Body?.Error ?? reply.Error ?? $"its agent answered {reply.StatusCode}"}; "
                + "run \"pgward standby follow\" on it");
        }
    }

    private void Hint(IReadOnlyList<NodeRecord> siblings)
    {
        if (siblings.Count > 0)
        {
            ctx.Reporter.Hint($"{siblings.Count} other standby{(siblings.Count == 1 ? "" : "s")} of the former primary: "
                + $"{string.Join(", ", siblings.Select(s => s.Describe()))}; re-point {(siblings.Count == 1 ? "it" : "them")} with "
                + "\"pgward standby follow\" on each, or promote with --siblings-follow");
        }
    }
}
