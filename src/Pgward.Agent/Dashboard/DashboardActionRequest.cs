namespace Pgward.Agent.Dashboard;

/// <summary>The body of <c>POST /dashboard/switchover</c>: the standby to promote, by node ID or name.</summary>
public sealed record DashboardActionRequest(string? Candidate);
