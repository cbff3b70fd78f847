using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>standby promote</c> on a node whose agent runs: the agent promotes, after winning the failover election when
/// automatic failover is on (a promotion behind its back would be fenced as a second primary). Null when the local
/// agent does not answer, and the caller promotes by itself.
/// </summary>
public sealed class AgentPromote(OperationContext ctx)
{
    private static readonly TimeSpan LivenessTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PromoteTimeout = TimeSpan.FromSeconds(120);

    public async Task<Outcome?> TryAsync(CancellationToken ct)
    {
        if (ctx.Options.AgentToken.Length == 0)
        {
            return null;
        }
        using var client = new AgentClient(ctx.Options, ctx.Time);
        var url = NodeRecords.AgentUrl(ctx.Options);
        if (!(await client.GetHealthAsync(url, "liveness", ct, LivenessTimeout)).Succeeded)
        {
            return null;
        }
        ctx.Reporter.Notice($"asking the local agent at {url} to promote {ctx.LocalNode}");
        var reply = await client.PostControlAsync(url, "promote", ct, PromoteTimeout);
        if (reply.Succeeded)
        {
            ctx.Reporter.Notice("STANDBY PROMOTE successful");
            return Outcome.Ok;
        }
        return Outcome.Fail(ExitCodes.PromotionFailed, $"the local agent did not promote {ctx.LocalNode}",
            detail: reply.Body?.Error ?? reply.Error, hint: reply.Body?.Hint ?? "see pgward daemon status and the agent's log");
    }
}
