using Pgward.Http.Metrics;
using M = Pgward.Agent.Metrics.AgentMetricNames;

namespace Pgward.Agent.Metrics;

/// <summary>Turns <see cref="AgentFacts"/> into the samples of one scrape. Pure: what is unknown is left out, not
/// reported as 0 (a primary has no replication lag; an agent with failover off has no term).</summary>
public static class AgentSamples
{
    /// <summary>The roles of <see cref="AgentMetricNames.Role"/>, each reported 0 or 1.</summary>
    public static readonly IReadOnlyList<string> Roles = ["primary", "standby", "witness", "unknown"];

    /// <summary>The states of <see cref="AgentMetricNames.FailoverRole"/> (/node's <c>failover_state</c>).</summary>
    public static readonly IReadOnlyList<string> FailoverRoles = ["primary", "candidate", "standby", "fenced", "witness", "down", "off"];

    /// <summary>pg_stat_wal_receiver's statuses (PostgreSQL 15), and <c>none</c> for no receiver.</summary>
    public static readonly IReadOnlyList<string> ReceiverStatuses = ["none", "starting", "streaming", "waiting", "restarting", "stopping", "stopped"];

    /// <summary>The causes of <see cref="AgentMetricNames.Promotions"/>.</summary>
    public const string FailoverCause = "failover", SwitchoverCause = "switchover";

    public static IReadOnlyList<MetricSample> From(AgentFacts facts)
    {
        var report = facts.Report;
        var samples = new List<MetricSample>();
        samples.AddRange(Roles.Select(r => M.Role.Sample(report.Role == r, r)));
        samples.Add(M.PostgresUp.Sample(report.PgRunning));
        if (report.PgRunning)
        {
            samples.Add(M.InRecovery.Sample(facts.InRecovery));
            var receiver = report.WalReceiver ?? "none";
            samples.AddRange(ReceiverStatuses.Select(s => M.WalReceiver.Sample(receiver == s, s)));
        }
        if (report.Timeline is { } timeline)
        {
            samples.Add(M.Timeline.Sample(timeline));
        }
        if (report.LagBytes is { } lag)
        {
            samples.Add(M.LagBytes.Sample(lag, report.LagSource ?? "upstream"));
            if (LagSeconds(lag, facts.ReplayAgeSeconds) is { } seconds)
            {
                samples.Add(M.LagSeconds.Sample(seconds));
            }
        }
        if (report.FailoverTerm is { } term)
        {
            samples.Add(M.Term.Sample(term));
        }
        var state = report.FailoverState ?? "off";
        samples.AddRange(FailoverRoles.Select(r => M.FailoverRole.Sample(state == r, r)));
        samples.Add(M.Fenced.Sample(report.Fenced));
        if (facts.CommitLeaseOpen is { } open)
        {
            samples.Add(M.CommitLeaseOpen.Sample(open));
        }
        var failover = facts.Failover;
        if (failover.LastHeartbeat is { } heard && report.FailoverState != "primary")
        {
            samples.Add(M.HeartbeatAge.Sample(Math.Max(0, (facts.Now - heard).TotalSeconds)));
        }
        samples.Add(M.Elections.Sample(failover.Elections));
        samples.Add(M.Promotions.Sample(failover.FailoverPromotions, FailoverCause));
        samples.Add(M.Promotions.Sample(failover.SwitchoverPromotions, SwitchoverCause));
        if (failover.LastFailoverSeconds is { } failoverSeconds)
        {
            samples.Add(M.LastPromotionDuration.Sample(failoverSeconds, FailoverCause));
        }
        if (failover.LastSwitchoverSeconds is { } switchoverSeconds)
        {
            samples.Add(M.LastPromotionDuration.Sample(switchoverSeconds, SwitchoverCause));
        }
        samples.Add(M.LateRenewals.Sample(failover.LateRenewals));
        samples.Add(M.Paused.Sample(report.Paused));
        samples.AddRange(facts.Events.Select(e => M.Events.Sample(e.Count, e.Event, e.Success ? "true" : "false")));
        return samples;
    }

    /// <summary>A standby's lag in seconds: 0 when it replayed all its upstream wrote (an idle primary's last commit may be
    /// old, which is no delay), else the age of the last transaction it replayed, what a reader of it misses at most;
    /// null when it has replayed none yet.</summary>
    public static double? LagSeconds(long lagBytes, double? replayAgeSeconds) =>
        lagBytes == 0 ? 0 : replayAgeSeconds is { } age ? Math.Max(0, age) : null;
}
