namespace Pgward.Agent.Dashboard;

/// <summary>How an action started from the dashboard ended, with what the operation reported on the way.</summary>
/// <param name="ExitCode">The exit code the same CLI command would have ended with.</param>
/// <param name="Lines">The operation's NOTICE, WARNING, ERROR, DETAIL and HINT lines, in order.</param>
public sealed record DashboardActionResult(bool Ok, int ExitCode, string? Error, string? Hint, IReadOnlyList<string> Lines);
