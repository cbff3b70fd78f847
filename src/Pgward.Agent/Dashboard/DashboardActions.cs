using Microsoft.Extensions.Logging;
using Pgward.Cluster;
using Pgward.Cluster.Operations;
using Pgward.Cluster.Switchover;
using Pgward.Core;

namespace Pgward.Agent.Dashboard;

/// <summary>
/// What the dashboard's buttons run: the CLI's own operations (<c>standby switchover --candidate X --siblings-follow</c>,
/// <c>daemon pause</c>, <c>daemon unpause</c>) run by this agent with its pgward.conf. One at a time: a second request
/// while one runs is refused, not queued behind it. They run on the agent's lifetime token, not the request's: a
/// browser that closes must not cut a switchover in half (the switchover itself also ignores cancellation once the
/// primary is stopping).
/// </summary>
public sealed class DashboardActions(OperationContext ctx, ILogger logger, CancellationToken agentStopping)
{
    private int running;

    public Task<DashboardActionResult> SwitchoverAsync(string candidate, string remote) =>
        RunAsync($"switchover to {candidate}", remote, (op, ct) =>
            new StandbySwitchover(op).RunAsync(new SwitchoverRequest(candidate, SiblingsFollow: true, DryRun: false, ForceRewind: false), ct));

    public Task<DashboardActionResult> SetPausedAsync(bool paused, string remote) =>
        RunAsync(paused ? "pause" : "unpause", remote, (op, ct) => new DaemonPause(op).RunAsync(paused, ct));

    private async Task<DashboardActionResult> RunAsync(string action, string remote, Func<OperationContext, CancellationToken, Task<Outcome>> run)
    {
        if (Interlocked.CompareExchange(ref running, 1, 0) != 0)
        {
            return new DashboardActionResult(false, ExitCodes.AgentUnavailable, "another action started from the dashboard is still running",
                "wait for it to end; its outcome shows on the page that started it and in the event log", []);
        }
        try
        {
            DashboardLog.ActionStarted(logger, action, remote);
            var lines = new CapturingReporter(ctx.Reporter);
            var outcome = await run(new OperationContext(ctx.Options, lines, ctx.Db, ctx.Processes, ctx.Events, ctx.Time), agentStopping);
            if (outcome.Succeeded)
            {
                DashboardLog.ActionSucceeded(logger, action);
            }
            else
            {
                DashboardLog.ActionFailed(logger, action, outcome.Error ?? $"exit code {outcome.ExitCode}");
            }
            var error = outcome.Error is { } e && outcome.Detail is { } d ? $"{e}: {d}" : outcome.Error;
            return new DashboardActionResult(outcome.Succeeded, outcome.ExitCode, error, outcome.Hint, lines.Lines);
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }
    }
}
