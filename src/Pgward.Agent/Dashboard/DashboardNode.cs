namespace Pgward.Agent.Dashboard;

/// <summary>One node on the dashboard: its record, what <c>cluster show</c> observed, and what its agent reports.</summary>
/// <param name="Role">What the server runs as now: <c>primary</c>, <c>standby</c>, <c>witness</c>, or <c>down</c> when
/// neither its agent nor a connection finds it running.</param>
/// <param name="RegisteredRole">The role in <c>pgward.nodes</c>, which may lag behind <paramref name="Role"/>.</param>
/// <param name="Status"><c>cluster show</c>'s status (<c>* running</c>, <c>- failed</c>, <c>! running as primary</c>...).</param>
/// <param name="UpstreamId">The node a standby streams from as recorded; null for a primary.</param>
/// <param name="AgentUrl">Where the node's agent (and its dashboard) is reached; null when none is registered.</param>
/// <param name="AgentProblem">Why the agent did not answer; null when it did.</param>
/// <param name="LagBytes">A standby's replay lag behind its upstream, from its agent.</param>
/// <param name="FailoverState">The agent's failover state: <c>primary</c>, <c>standby</c>, <c>candidate</c>, <c>fenced</c>,
/// <c>witness</c>, <c>down</c> or <c>off</c>.</param>
public sealed record DashboardNode(
    int Id,
    string Name,
    string Role,
    string RegisteredRole,
    string Status,
    int? UpstreamId,
    string? UpstreamName,
    string Location,
    int Priority,
    string Timeline,
    string? AgentUrl,
    string? AgentProblem,
    string? Lsn,
    long? LagBytes,
    double? UpstreamLastSeenSecondsAgo,
    string? WalReceiver,
    long? FailoverTerm,
    string? FailoverState,
    string? FailoverNote,
    bool Fenced,
    bool? Paused);
