namespace Pgward.Cluster.Agents;

/// <summary>
/// What the agent's <c>GET /node</c> answers (and the health endpoints' body): the local server as the agent last saw it.
/// </summary>
/// <param name="Role"><c>primary</c>, <c>standby</c>, <c>witness</c>, or <c>unknown</c> when the server is not running.</param>
/// <param name="Lsn">The primary's current write position, or the standby's last replayed one.</param>
/// <param name="LagBytes">A standby's replay lag behind its upstream; null on a primary or when unknown.</param>
/// <param name="UpstreamLastSeenSecondsAgo">A standby's seconds since its upstream last answered the daemon's monitoring; null otherwise.</param>
/// <param name="Paused">The daemon is paused (<c>pgward daemon pause</c>): it takes no automatic action.</param>
/// <param name="FailoverTerm">The failover term this agent is in; null while failover is off.</param>
/// <param name="FailoverState"><c>primary</c>, <c>fenced</c>, <c>standby</c>, <c>candidate</c>, <c>witness</c>, <c>down</c> (its server does not answer) or <c>off</c>.</param>
/// <param name="FailoverNote">Why failover is off, or the last reason a promotion was refused.</param>
/// <param name="FailoverHeardPrimary">Whether the agent heard a primary since it started; until then it elects nobody
/// automatically. Null while failover is off.</param>
/// <param name="LoopProblems">The agent's loops that failed or are stuck, e.g. <c>monitor: stuck (no round for 75 s)</c>;
/// null when all run. <c>/health</c> then answers 503.</param>
/// <param name="LagSource"><c>upstream</c> (the upstream's current position) or <c>receive</c> (what this standby received).</param>
public sealed record NodeReport(
    int NodeId,
    string NodeName,
    string Role,
    bool PgRunning,
    string? Error,
    int? Timeline,
    string? Lsn,
    string? ReceiveLsn,
    string? ReplayLsn,
    string? WalReceiver,
    long? LagBytes,
    string? LagSource,
    bool Fenced,
    string AgentVersion,
    int AgentPid,
    bool Paused = false,
    double? UpstreamLastSeenSecondsAgo = null,
    long? FailoverTerm = null,
    string? FailoverState = null,
    string? FailoverNote = null,
    bool? FailoverHeardPrimary = null,
    string[]? LoopProblems = null);
