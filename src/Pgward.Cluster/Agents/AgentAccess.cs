namespace Pgward.Cluster.Agents;

/// <summary>
/// Whether a command may act through another node's agent: it has an address, this node has an <c>agent_token</c>, and
/// the agent answers <c>POST /control/check</c> (which only authenticates) with it. What a dry run and a switchover's
/// pre-check ask before the real run depends on it; a liveness answer alone would pass an agent that refuses the token.
/// </summary>
public static class AgentAccess
{
    /// <summary>Why <paramref name="agentUrl"/>'s agent cannot be asked to act, null when it can. An agent that predates
    /// <c>/control/check</c> (404, a cluster halfway through an upgrade) counts as able: it answers, and the token is
    /// not known to be wrong.</summary>
    public static async Task<string?> ProblemAsync(AgentClient agents, string? agentUrl, string agentToken, CancellationToken ct, TimeSpan? timeout = null)
    {
        if (Unaskable(agentUrl, agentToken) is { } why)
        {
            return why;
        }
        var reply = await agents.PostControlAsync(agentUrl!, "check", ct, timeout);
        return reply.Succeeded || reply.StatusCode == 404 ? null
            : reply.StatusCode is 401 or 403 ? $"its agent at {agentUrl} refuses this node's agent_token ({reply.StatusCode}: "
                + $"{reply.Body?.Error ?? "refused"}); every node's pgward.conf needs the cluster's agent_token"
            : reply.Reachable ? $"its agent at {agentUrl} answered {reply.StatusCode}{(reply.Body?.Error is { } e ? ": " + e : "")}"
            : $"its agent at {agentUrl} does not answer ({reply.Error}); start it with \"pgward daemon start\" on that node";
    }

    /// <summary>Why no request could be sent at all, null when one can: no agent address, or no agent_token here.</summary>
    public static string? Unaskable(string? agentUrl, string agentToken) =>
        agentUrl is null ? "its agent has not registered an address (start \"pgward daemon\" on that node)"
        : agentToken.Length == 0 ? "agent_token is not set in this node's pgward.conf, so no agent can be asked to act"
        : null;
}
