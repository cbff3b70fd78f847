using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>daemon pause</c> / <c>unpause</c>: sets the durable pause flag on every registered node's agent, as repmgr's
/// <c>service pause</c> does on every node; a node whose agent does not answer is named and the exit code is 26. Run by
/// the CLI and by the agent's dashboard.
/// </summary>
public sealed class DaemonPause(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(bool paused, CancellationToken ct)
    {
        var word = paused ? "pause" : "unpause";
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        if (source is null)
        {
            return outcome;
        }
        using var client = new AgentClient(ctx.Options, ctx.Time);
        if (!paused && await AgentlessPrimary.FindAsync(ctx, client, source.Nodes, ct) is { } agentless)
        {
            return Outcome.Fail(ExitCodes.PauseFailed, agentless, hint: "start its agent first (pgward daemon start on that node), then unpause");
        }
        var failed = new List<string>();
        foreach (var node in source.Nodes)
        {
            var reply = node.AgentUrl is { Length: > 0 } url
                ? await client.PostControlAsync(url, word, ct)
                : AgentReply<ControlResponse>.Unreachable("no agent URL registered");
            if (reply.Succeeded)
            {
                ctx.Reporter.Notice($"node {node.NodeId} ({node.NodeName}) {word}d");
            }
            else
            {
                failed.Add($"node {node.NodeId} ({node.NodeName}): {reply.Body?.Error ?? reply.Error ?? $"agent answered {reply.StatusCode}"}");
            }
        }
        return failed.Count == 0
            ? Outcome.Ok
            : Outcome.Fail(ExitCodes.PauseFailed, $"unable to {word} {failed.Count} of {source.Nodes.Count} nodes: {string.Join("; ", failed)}",
                hint: "start the missing agents (pgward daemon start) and run the command again");
    }
}
