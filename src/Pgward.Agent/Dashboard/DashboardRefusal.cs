namespace Pgward.Agent.Dashboard;

/// <summary>Why a dashboard request was refused: the HTTP status, the reason and the fix, shown by the page as is.</summary>
public sealed record DashboardRefusal(int Status, string Error, string Hint);
