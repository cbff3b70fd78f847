using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pgward.Agent.Failover;
using Pgward.Agent.Health;
using Pgward.Agent.Monitoring;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Show;
using Pgward.Core.Config;
using Pgward.Core.Supervision;
using Pgward.Failover;

namespace Pgward.Agent.Http;

/// <summary>Patroni's health checks (GET with the node's JSON; HEAD and OPTIONS without a body), <c>/node</c> and <c>/cluster</c>.</summary>
public static class HealthRoutes
{
    private static readonly string[] CheckMethods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Options];

    public static string AgentVersion { get; } =
        typeof(HealthRoutes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <param name="loops">The agent's loops: <c>/health</c> answers 503, naming them, while one failed or is stuck.</param>
    public static void Map(IEndpointRouteBuilder app, NodeOptions options, ProbeCache probes, OperationContext ctx, MonitorLoop monitor,
        FailoverDriver failover, LoopSupervisor loops)
    {
        NodeReport ReportOf(ServerState state) => WithLoops(FailoverReport(options, state, monitor, failover, ctx.Time.GetUtcNow()), loops.Problems());
        ServerState Fenced(ServerState state) => AsFenced(state, failover);
        foreach (var (path, endpoint) in HealthPaths.All)
        {
            app.MapMethods(path, CheckMethods, (RequestDelegate)(http => CheckAsync(http, endpoint, probes, Fenced, ReportOf, loops)));
        }
        app.MapGet("/node", (RequestDelegate)(async http =>
        {
            var state = Fenced(await probes.GetAsync(http.RequestAborted));
            await http.Response.WriteAsJsonAsync(ReportOf(state), AgentJson.Context.NodeReport, cancellationToken: http.RequestAborted);
        }));
        app.MapGet("/cluster", (RequestDelegate)(async http =>
        {
            var (report, outcome) = await new ClusterShow(ctx).RunAsync(http.RequestAborted);
            if (report is null)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await http.Response.WriteAsJsonAsync(ControlResponse.From(outcome), AgentJson.Context.ControlResponse, cancellationToken: http.RequestAborted);
                return;
            }
            await http.Response.WriteAsJsonAsync(ClusterShowJson.From(report), AgentJson.Context.ClusterShowJson, cancellationToken: http.RequestAborted);
        }));
    }

    public static NodeReport Report(NodeOptions options, ServerState state, DateTimeOffset? upstreamLastSeen = null, DateTimeOffset? now = null) => new(
        options.NodeId,
        options.NodeName,
        !state.Running ? "unknown" : state.Witness ? "witness" : state.InRecovery ? "standby" : "primary",
        state.Running,
        state.Error,
        state.Timeline,
        (state.InRecovery ? state.ReplayLsn : state.CurrentLsn)?.ToString(),
        state.ReceiveLsn?.ToString(),
        state.ReplayLsn?.ToString(),
        state.WalReceiverStatus,
        state.LagBytes,
        state.LagSource switch { LagSource.Upstream => "upstream", LagSource.Receive => "receive", _ => null },
        state.Fenced,
        AgentVersion,
        Environment.ProcessId,
        PauseFlag.For(options).IsPaused,
        upstreamLastSeen is { } seen && now is { } at ? Math.Round((at - seen).TotalSeconds, 1) : null);

    /// <summary>The server's state with the failover loop's own fence: a primary it fenced counts as fenced before the
    /// server shows it.</summary>
    internal static ServerState AsFenced(ServerState state, FailoverDriver failover) =>
        failover.LocalFenced ? state with { Fenced = true } : state;

    /// <summary>What <c>/node</c> reports of <paramref name="state"/>, the failover loop's view included (without the
    /// loops' problems, which only <c>/node</c> and the checks add).</summary>
    internal static NodeReport FailoverReport(NodeOptions options, ServerState state, MonitorLoop monitor, FailoverDriver failover, DateTimeOffset now) =>
        WithFailover(Report(options, state, monitor.UpstreamLastSeen, now), failover);

    private static NodeReport WithFailover(NodeReport report, FailoverDriver failover) => failover.Status is { } status
        ? report with
        {
            FailoverTerm = status.Term,
            FailoverState = status switch
            {
                _ when failover.IsWitness => "witness",
                _ when !report.PgRunning => "down",
                { Fenced: true } when failover.LocalFenced => "fenced",
                { IsLeader: true } => "primary",
                { Election: not ElectionPhase.None } => "candidate",
                _ => report.Role == "primary" ? "fenced" : "standby",
            },
            FailoverNote = status.LastRefusal,
            FailoverHeardPrimary = status.HeardPrimary,
        }
        : report with { FailoverState = "off", FailoverNote = failover.DisabledReason };

    private static NodeReport WithLoops(NodeReport report, IReadOnlyList<string> problems) =>
        problems.Count == 0 ? report : report with { LoopProblems = [.. problems] };

    private static async Task CheckAsync(HttpContext http, HealthEndpoint endpoint, ProbeCache probes, Func<ServerState, ServerState> fenced,
        Func<ServerState, NodeReport> report, LoopSupervisor loops)
    {
        if (!HealthQuery.TryParse(http.Request.Query["lag"], out var query, out var error))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync(error + "\n", http.RequestAborted);
            return;
        }
        var state = HealthDecision.NeedsProbe(endpoint) ? fenced(await probes.GetAsync(http.RequestAborted)) : null;
        http.Response.StatusCode = HealthDecision.Evaluate(endpoint, state ?? ServerState.Stopped, query, loopsHealthy: loops.Problems().Count == 0);
        if (HttpMethods.IsGet(http.Request.Method) && state is not null)
        {
            await http.Response.WriteAsJsonAsync(report(state), AgentJson.Context.NodeReport, cancellationToken: http.RequestAborted);
        }
    }
}
