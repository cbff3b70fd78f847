using Microsoft.AspNetCore.Builder;
using Pgward.Agent.Failover;
using Pgward.Agent.Health;
using Pgward.Agent.Http;
using Pgward.Agent.Monitoring;
using Pgward.Cluster;
using Pgward.Http.Metrics;

namespace Pgward.Agent.Metrics;

/// <summary>
/// A node agent's <c>/metrics</c> (unless <c>metrics = off</c>): each scrape reads the probe cache the health checks
/// share (so scrapes never query the server more than once per <see cref="ProbeCache.MaxAge"/>, however many Prometheus
/// servers ask), the failover loop's state and counts, and the events the agent recorded. No loop of its own.
/// </summary>
public static class AgentMetrics
{
    /// <summary>Maps the route; the returned export lives as long as the agent (null with <c>metrics = off</c>).</summary>
    public static PrometheusExport? Map(WebApplication app, OperationContext ctx, ProbeCache probes, MonitorLoop monitor, FailoverDriver failover)
    {
        var options = ctx.Options;
        if (!options.Metrics)
        {
            return null;
        }
        var events = new EventCounts();
        ctx.Events.Observe(events.Record);
        var export = new PrometheusExport(options.Cluster, options.NodeName, AgentMetricNames.All, async ct =>
        {
            var state = HealthRoutes.AsFenced(await probes.GetAsync(ct), failover);
            var now = ctx.Time.GetUtcNow();
            var report = HealthRoutes.FailoverReport(options, state, monitor, failover, now);
            return AgentSamples.From(new AgentFacts(report, state.InRecovery, state.ReplayAgeSeconds, failover.CommitLeaseOpen,
                failover.Counts.Snapshot(), events.Snapshot(), now));
        });
        MetricsRoute.Map(app, options.AgentToken, options.MetricsAuth, export);
        return export;
    }
}
