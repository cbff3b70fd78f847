using Pgward.Agent.Failover;
using Pgward.Agent.Metrics;
using Pgward.Cluster.Agents;
using Pgward.Http.Metrics;
using Xunit;
using M = Pgward.Agent.Metrics.AgentMetricNames;

namespace Pgward.UnitTests.Agent.Metrics;

public sealed class AgentSamplesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-05T12:00:00Z");
    private static readonly FailoverCountsSnapshot NoCounts = new(0, 0, 0, null, null, null);

    private static NodeReport Primary => new(1, "node1", "primary", PgRunning: true, Error: null, Timeline: 3, Lsn: "0/5000000", ReceiveLsn: null,
        ReplayLsn: null, WalReceiver: null, LagBytes: null, LagSource: null, Fenced: false, AgentVersion: "1.0.0", AgentPid: 42,
        FailoverTerm: 7, FailoverState: "primary");

    private static NodeReport Standby => Primary with
    {
        NodeId = 2, NodeName = "node2", Role = "standby", WalReceiver = "streaming", LagBytes = 8192, LagSource = "upstream", FailoverState = "standby",
    };

    private static IReadOnlyList<MetricSample> Samples(NodeReport report, bool inRecovery = false, double? replayAge = null,
        FailoverCountsSnapshot? counts = null, bool? lease = null, IReadOnlyList<(string, bool, long)>? events = null) =>
        AgentSamples.From(new AgentFacts(report, inRecovery, replayAge, lease, counts ?? NoCounts, events ?? [], Now));

    private static double? Value(IReadOnlyList<MetricSample> samples, MetricDefinition metric, params string[] labels) =>
        samples.SingleOrDefault(s => s.Metric == metric && s.LabelValues.SequenceEqual(labels))?.Value;

    [Fact]
    public void A_primary_reports_its_role_term_and_timeline_and_no_lag()
    {
        var samples = Samples(Primary, lease: true);

        Assert.Equal(1, Value(samples, M.Role, "primary"));
        Assert.Equal(0, Value(samples, M.Role, "standby"));
        Assert.Equal(1, Value(samples, M.PostgresUp));
        Assert.Equal(0, Value(samples, M.InRecovery));
        Assert.Equal(3, Value(samples, M.Timeline));
        Assert.Equal(7, Value(samples, M.Term));
        Assert.Equal(1, Value(samples, M.FailoverRole, "primary"));
        Assert.Equal(1, Value(samples, M.WalReceiver, "none"));
        Assert.Equal(1, Value(samples, M.CommitLeaseOpen));
        Assert.DoesNotContain(samples, s => s.Metric == M.LagBytes || s.Metric == M.LagSeconds || s.Metric == M.HeartbeatAge);
    }

    [Fact]
    public void A_standby_reports_its_lag_in_bytes_and_seconds_and_its_receiver()
    {
        var samples = Samples(Standby, inRecovery: true, replayAge: 2.5,
            counts: NoCounts with { LastHeartbeat = Now.AddSeconds(-0.4) });

        Assert.Equal(1, Value(samples, M.Role, "standby"));
        Assert.Equal(8192, Value(samples, M.LagBytes, "upstream"));
        Assert.Equal(2.5, Value(samples, M.LagSeconds));
        Assert.Equal(1, Value(samples, M.WalReceiver, "streaming"));
        Assert.Equal(0, Value(samples, M.WalReceiver, "none"));
        Assert.Equal(0.4, Value(samples, M.HeartbeatAge)!.Value, 3);
        Assert.DoesNotContain(samples, s => s.Metric == M.CommitLeaseOpen);
    }

    [Theory]
    [InlineData(0L, 3600.0, 0.0)]
    [InlineData(100L, 12.0, 12.0)]
    [InlineData(100L, -0.5, 0.0)]
    public void Lag_seconds_are_zero_when_caught_up_else_the_age_of_the_last_replayed_commit(long bytes, double age, double expected) =>
        Assert.Equal(expected, AgentSamples.LagSeconds(bytes, age));

    [Fact]
    public void Lag_seconds_are_unknown_behind_an_upstream_before_any_replay() => Assert.Null(AgentSamples.LagSeconds(100, null));

    [Fact]
    public void A_server_that_does_not_answer_is_down_with_role_unknown_and_no_server_details()
    {
        var samples = Samples(Primary with { Role = "unknown", PgRunning = false, Timeline = null, FailoverState = "down" });

        Assert.Equal(0, Value(samples, M.PostgresUp));
        Assert.Equal(1, Value(samples, M.Role, "unknown"));
        Assert.Equal(1, Value(samples, M.FailoverRole, "down"));
        Assert.DoesNotContain(samples, s => s.Metric == M.InRecovery || s.Metric == M.Timeline || s.Metric == M.WalReceiver);
    }

    [Fact]
    public void With_failover_off_there_is_no_term_and_the_failover_role_is_off()
    {
        var samples = Samples(Primary with { FailoverTerm = null, FailoverState = "off" });

        Assert.Null(Value(samples, M.Term));
        Assert.Equal(1, Value(samples, M.FailoverRole, "off"));
        Assert.Equal(0, Value(samples, M.FailoverRole, "primary"));
    }

    [Fact]
    public void Counters_promotion_durations_and_events_are_reported_by_label()
    {
        var counts = new FailoverCountsSnapshot(Elections: 2, FailoverPromotions: 1, SwitchoverPromotions: 3, LastFailoverSeconds: 2.3,
            LastSwitchoverSeconds: 0.4, LastHeartbeat: null) { LateRenewals = 4 };
        var samples = Samples(Primary, counts: counts, events: [("repmgrd_failover_promote", true, 1), ("pgward_fence", false, 2)]);

        Assert.Equal(2, Value(samples, M.Elections));
        Assert.Equal(1, Value(samples, M.Promotions, "failover"));
        Assert.Equal(3, Value(samples, M.Promotions, "switchover"));
        Assert.Equal(2.3, Value(samples, M.LastPromotionDuration, "failover"));
        Assert.Equal(0.4, Value(samples, M.LastPromotionDuration, "switchover"));
        Assert.Equal(4, Value(samples, M.LateRenewals));
        Assert.Equal(1, Value(samples, M.Events, "repmgrd_failover_promote", "true"));
        Assert.Equal(2, Value(samples, M.Events, "pgward_fence", "false"));
    }

    [Fact]
    public void Every_sample_has_one_value_per_label_of_its_metric_and_every_metric_is_defined()
    {
        var samples = Samples(Standby, inRecovery: true, replayAge: 1, counts: NoCounts with { LastFailoverSeconds = 1 }, lease: false,
            events: [("standby_follow", true, 1)]);

        Assert.All(samples, s => Assert.Equal(s.Metric.Labels.Length, s.LabelValues.Count));
        Assert.All(samples, s => Assert.Contains(s.Metric, M.All));
        Assert.Equal(samples.Count, samples.Select(s => (s.Metric.Name, string.Join(",", s.LabelValues))).Distinct().Count());
    }

    [Fact]
    public void Metric_names_follow_prometheus_conventions()
    {
        Assert.All(M.All, m => Assert.Matches("^pgward_[a-z_]+$", m.Name));
        Assert.All(M.All.Where(m => m.Kind == MetricKind.Counter), m => Assert.EndsWith("_total", m.Name));
        Assert.All(M.All.Where(m => m.Kind == MetricKind.Gauge), m => Assert.DoesNotContain("_total", m.Name));
        Assert.Equal(M.All.Count, M.All.Select(m => m.Name).Distinct().Count());
    }
}
