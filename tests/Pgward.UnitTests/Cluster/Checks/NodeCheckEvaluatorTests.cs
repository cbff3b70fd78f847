using Pgward.Cluster.Checks;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Xunit;
using static Pgward.UnitTests.Cluster.TestData;

namespace Pgward.UnitTests.Cluster.Checks;

public class NodeCheckEvaluatorTests
{
    private static readonly NodeRecord[] ThreeNodes = [Primary(1), Standby(2, upstream: 1), Standby(3, upstream: 1)];

    private static NodeCheckInput On(int nodeId, ServerFacts? facts, params NodeRecord[] nodes) =>
        new(Options(nodeId), facts, facts is null ? "connection refused" : null, nodes.Length == 0 ? ThreeNodes : nodes, DataDirectoryHasPgVersion: true);

    private static CheckResult Check(CheckKind kind, NodeCheckInput input) => NodeCheckEvaluator.Evaluate(kind, input);

    /// <summary>A standby whose replay stopped <paramref name="seconds"/> before the server time with WAL still to replay.</summary>
    private static ServerFacts StandbyLagging(int seconds)
    {
        var facts = Standby();
        return facts with
        {
            ReceiveLsn = new Lsn(0x6000000),
            ReplayLsn = new Lsn(0x50007C8),
            LastReplayTimestamp = facts.ServerTime.AddSeconds(-seconds),
        };
    }

    [Fact]
    public void EvaluateAll_gives_every_check_in_order_and_all_ok_when_primary_is_healthy()
    {
        var facts = Primary() with
        {
            Downstream = [new("node2", "streaming", null), new("node3", "streaming", null)],
        };

        var results = NodeCheckEvaluator.EvaluateAll(On(1, facts));

        Assert.Equal(Enum.GetValues<CheckKind>().Where(k => k != CheckKind.Agent), results.Select(r => r.Kind));
        Assert.All(results, r => Assert.Equal(CheckStatus.Ok, r.Status));
    }

    [Theory]
    [InlineData(1, false, CheckStatus.Ok, "node is primary")]
    [InlineData(2, true, CheckStatus.Ok, "node is standby")]
    [InlineData(1, true, CheckStatus.Critical, "node is registered as primary but running as standby")]
    [InlineData(2, false, CheckStatus.Critical, "node is registered as standby but running as primary")]
    public void Role_compares_registered_and_running_role(int nodeId, bool inRecovery, CheckStatus status, string details)
    {
        var result = Check(CheckKind.Role, On(nodeId, Facts(inRecovery)));

        Assert.Equal((status, details), (result.Status, result.Details));
    }

    [Fact]
    public void Role_is_ok_for_witness_when_it_runs_out_of_recovery()
    {
        var result = Check(CheckKind.Role, On(4, Primary(), Primary(1), Witness(4, upstream: 1)));

        Assert.Equal((CheckStatus.Ok, "node is witness"), (result.Status, result.Details));
    }

    [Fact]
    public void Role_is_unknown_when_node_is_not_registered()
    {
        var result = Check(CheckKind.Role, On(7, Primary()));

        Assert.Equal((CheckStatus.Unknown, "node is primary but not registered"), (result.Status, result.Details));
    }

    [Fact]
    public void ReplicationLag_is_na_when_node_is_primary()
    {
        var result = Check(CheckKind.ReplicationLag, On(1, Primary()));

        Assert.Equal((CheckStatus.Ok, "N/A - node is primary", (string?)null), (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void ReplicationLag_is_na_for_witness_when_it_runs_out_of_recovery()
    {
        var result = Check(CheckKind.ReplicationLag, On(4, Primary(), Primary(1), Witness(4, upstream: 1)));

        Assert.Equal((CheckStatus.Ok, "N/A - node is witness"), (result.Status, result.Details));
    }

    [Fact]
    public void ReplicationLag_is_zero_with_perfdata_when_standby_has_replayed_everything()
    {
        var result = Check(CheckKind.ReplicationLag, On(2, Standby()));

        Assert.Equal((CheckStatus.Ok, "0 seconds", "lag=0;300;600"), (result.Status, result.Details, result.Perfdata));
    }

    [Theory]
    [InlineData(12, CheckStatus.Ok, "12 seconds", "lag=12;300;600")]
    [InlineData(299, CheckStatus.Ok, "299 seconds", "lag=299;300;600")]
    [InlineData(300, CheckStatus.Warning, "300 seconds (limit 300 seconds)", "lag=300;300;600")]
    [InlineData(599, CheckStatus.Warning, "599 seconds (limit 300 seconds)", "lag=599;300;600")]
    [InlineData(600, CheckStatus.Critical, "600 seconds (limit 600 seconds)", "lag=600;300;600")]
    public void ReplicationLag_compares_with_thresholds_when_standby_lags(int seconds, CheckStatus status, string details, string perfdata)
    {
        var result = Check(CheckKind.ReplicationLag, On(2, StandbyLagging(seconds)));

        Assert.Equal((status, details, perfdata), (result.Status, result.Details, result.Perfdata));
    }

    [Theory]
    [InlineData(3612, CheckStatus.Ok, "12 seconds beyond recovery_min_apply_delay (3600 seconds; 3612 in all)", "lag=12;300;600")]
    [InlineData(3000, CheckStatus.Ok, "0 seconds beyond recovery_min_apply_delay (3600 seconds; 3000 in all)", "lag=0;300;600")]
    [InlineData(4300, CheckStatus.Critical, "700 seconds beyond recovery_min_apply_delay (3600 seconds; 4300 in all) (limit 600 seconds)", "lag=700;300;600")]
    public void ReplicationLag_of_a_delayed_standby_counts_beyond_its_delay(int seconds, CheckStatus status, string details, string perfdata)
    {
        var result = Check(CheckKind.ReplicationLag, On(2, StandbyLagging(seconds) with { ApplyDelay = TimeSpan.FromHours(1) }));

        Assert.Equal((status, details, perfdata), (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void ReplicationLag_uses_configured_thresholds_when_options_set_them()
    {
        var input = On(2, StandbyLagging(12)) with
        {
            Options = Options(2) with { ReplicationLagWarning = TimeSpan.FromSeconds(10), ReplicationLagCritical = TimeSpan.FromSeconds(20) },
        };

        var result = Check(CheckKind.ReplicationLag, input);

        Assert.Equal((CheckStatus.Warning, "lag=12;10;20"), (result.Status, result.Perfdata));
    }

    [Fact]
    public void LagSeconds_is_zero_when_replay_has_caught_up_even_if_last_replay_is_old()
    {
        var facts = Standby() with { LastReplayTimestamp = Standby().ServerTime.AddHours(-3) };

        Assert.Equal(0, NodeCheckEvaluator.LagSeconds(facts));
    }

    [Fact]
    public void LagSeconds_is_time_since_last_replay_when_wal_is_waiting()
    {
        Assert.Equal(42, NodeCheckEvaluator.LagSeconds(StandbyLagging(42)));
    }

    [Fact]
    public void LagSeconds_is_zero_when_nothing_has_been_replayed_yet()
    {
        var facts = StandbyLagging(42) with { LastReplayTimestamp = null };

        Assert.Equal(0, NodeCheckEvaluator.LagSeconds(facts));
    }

    [Theory]
    [InlineData(0, CheckStatus.Ok, "files=0;16;128")]
    [InlineData(15, CheckStatus.Ok, "files=15;16;128")]
    [InlineData(16, CheckStatus.Warning, "files=16;16;128")]
    [InlineData(128, CheckStatus.Critical, "files=128;16;128")]
    public void ArchiveReady_compares_pending_files_with_thresholds(int ready, CheckStatus status, string perfdata)
    {
        var result = Check(CheckKind.ArchiveReady, On(1, Primary() with { ArchiveReadyCount = ready }));

        Assert.Equal((status, $"{ready} pending archive ready files", perfdata), (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void ArchiveReady_is_unknown_when_role_may_not_list_archive_status()
    {
        var result = Check(CheckKind.ArchiveReady, On(1, Primary() with { ArchiveReadyCount = null }));

        Assert.Equal(CheckStatus.Unknown, result.Status);
        Assert.Contains("pg_monitor", result.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void Upstream_is_ok_when_standby_streams_from_registered_upstream()
    {
        var result = Check(CheckKind.Upstream, On(2, Standby(upstreamPort: 5501)));

        Assert.Equal(
            (CheckStatus.Ok, "node \"node2\" (ID: 2) is attached to expected upstream node \"node1\" (ID: 1)"),
            (result.Status, result.Details));
    }

    [Fact]
    public void Upstream_counts_localhost_and_127_0_0_1_as_same_endpoint()
    {
        var facts = Standby() with { WalReceiver = new WalReceiverInfo("streaming", "localhost", 5501, 1, null) };

        Assert.Equal(CheckStatus.Ok, Check(CheckKind.Upstream, On(2, facts)).Status);
    }

    [Fact]
    public void Upstream_uses_default_port_when_upstream_conninfo_has_none()
    {
        NodeRecord[] nodes = [Primary(1) with { Conninfo = "host=node1 user=pgward" }, Standby(2, upstream: 1)];
        var facts = Standby() with { WalReceiver = new WalReceiverInfo("streaming", "node1", 5432, 1, null) };

        Assert.Equal(CheckStatus.Ok, Check(CheckKind.Upstream, On(2, facts, nodes)).Status);
    }

    [Fact]
    public void Upstream_is_critical_and_names_sender_when_standby_streams_from_another_node()
    {
        var result = Check(CheckKind.Upstream, On(3, Standby(upstreamPort: 5502)));

        Assert.Equal(
            (CheckStatus.Critical, "node \"node3\" (ID: 3) streams from 127.0.0.1:5502, not from its upstream node \"node1\" (ID: 1)"),
            (result.Status, result.Details));
    }

    [Fact]
    public void Upstream_is_critical_when_wal_receiver_is_not_streaming()
    {
        var result = Check(CheckKind.Upstream, On(2, Standby() with { WalReceiver = null }));

        Assert.Equal(
            (CheckStatus.Critical, "node \"node2\" (ID: 2) is not streaming from its upstream node \"node1\" (ID: 1)"),
            (result.Status, result.Details));
    }

    [Fact]
    public void Upstream_of_a_delayed_standby_that_is_not_streaming_says_why_it_may_not()
    {
        var result = Check(CheckKind.Upstream, On(2, Standby() with { WalReceiver = null, ApplyDelay = TimeSpan.FromMinutes(10) }));

        Assert.Equal(
            (CheckStatus.Critical, "node \"node2\" (ID: 2) is not streaming from its upstream node \"node1\" (ID: 1) (a delayed standby, "
                + "recovery_min_apply_delay = 10min: after a failover it streams again once it has replayed what it holds back)"),
            (result.Status, result.Details));
    }

    [Fact]
    public void Upstream_is_na_when_node_is_primary_or_witness()
    {
        var primary = Check(CheckKind.Upstream, On(1, Primary()));
        var witness = Check(CheckKind.Upstream, On(4, Primary(), Primary(1), Witness(4, upstream: 1)));

        Assert.Equal((CheckStatus.Ok, "N/A - node is primary"), (primary.Status, primary.Details));
        Assert.Equal((CheckStatus.Ok, "N/A - node is a witness"), (witness.Status, witness.Details));
    }

    [Fact]
    public void Upstream_is_unknown_when_standby_has_no_registered_upstream()
    {
        var result = Check(CheckKind.Upstream, On(2, Standby(), Primary(1), Node(2, NodeType.Standby)));

        Assert.Equal(CheckStatus.Unknown, result.Status);
    }

    [Fact]
    public void Downstream_is_ok_with_perfdata_when_every_standby_is_attached()
    {
        var facts = Primary() with { Downstream = [new("node2", "streaming", null), new("node3", "catchup", null)] };

        var result = Check(CheckKind.Downstream, On(1, facts));

        Assert.Equal((CheckStatus.Ok, "2 of 2 downstream nodes attached", "attached=2, missing=0"),
            (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void Downstream_is_critical_and_names_missing_standby_when_one_is_not_attached()
    {
        var facts = Primary() with { Downstream = [new("node2", "streaming", null), new("node3", "backup", null)] };

        var result = Check(CheckKind.Downstream, On(1, facts));

        Assert.Equal((CheckStatus.Critical, "1 of 2 downstream nodes not attached (missing: node3 (ID: 3))", "attached=1, missing=1"),
            (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void Downstream_ignores_inactive_standbys_and_witnesses()
    {
        var facts = Primary() with { Downstream = [new("node2", "streaming", null)] };
        var input = On(1, facts, Primary(1), Standby(2, upstream: 1), Standby(3, upstream: 1, active: false), Witness(4, upstream: 1));

        var result = Check(CheckKind.Downstream, input);

        Assert.Equal((CheckStatus.Ok, "attached=1, missing=0"), (result.Status, result.Perfdata));
    }

    [Fact]
    public void Downstream_is_ok_when_node_has_no_downstream_nodes()
    {
        var result = Check(CheckKind.Downstream, On(2, Standby()));

        Assert.Equal((CheckStatus.Ok, "this node has no downstream nodes", "attached=0, missing=0"),
            (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void Slots_is_ok_when_every_physical_slot_is_active()
    {
        var facts = Primary() with { Slots = [new("node2", "physical", true), new("node3", "physical", true), new("cdc", "logical", false)] };

        var result = Check(CheckKind.Slots, On(1, facts));

        Assert.Equal((CheckStatus.Ok, "2 of 2 physical replication slots are active", "slots=2;0"),
            (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void Slots_is_critical_and_names_inactive_slot_when_one_is_inactive()
    {
        var facts = Primary() with { Slots = [new("node2", "physical", true), new("node3", "physical", false)] };

        var result = Check(CheckKind.Slots, On(1, facts));

        Assert.Equal((CheckStatus.Critical, "1 of 2 physical replication slots are inactive: node3", "slots=2;1"),
            (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void Slots_is_ok_when_node_has_no_physical_slots()
    {
        var result = Check(CheckKind.Slots, On(2, Standby()));

        Assert.Equal((CheckStatus.Ok, "node has no physical replication slots", "slots=0;0"),
            (result.Status, result.Details, result.Perfdata));
    }

    [Fact]
    public void DataDirectory_is_ok_when_server_runs_in_configured_directory_written_with_trailing_slash()
    {
        var input = On(1, Primary()) with { Options = Options(1) with { DataDirectory = DataDirectory + "/" } };

        Assert.Equal(CheckStatus.Ok, Check(CheckKind.DataDirectoryConfig, input).Status);
    }

    [Fact]
    public void DataDirectory_is_critical_and_names_both_when_server_runs_elsewhere()
    {
        var result = Check(CheckKind.DataDirectoryConfig, On(1, Primary() with { DataDirectory = "/srv/pg" }));

        Assert.Equal(CheckStatus.Critical, result.Status);
        Assert.Equal($"configured \"data_directory\" is \"{DataDirectory}\" but the server runs in \"/srv/pg\"", result.Details);
    }

    [Theory]
    [InlineData(true, CheckStatus.Ok)]
    [InlineData(false, CheckStatus.Critical)]
    public void DataDirectory_looks_for_pg_version_when_server_is_not_reachable(bool hasPgVersion, CheckStatus status)
    {
        var input = On(1, facts: null) with { DataDirectoryHasPgVersion = hasPgVersion };

        Assert.Equal(status, Check(CheckKind.DataDirectoryConfig, input).Status);
    }

    [Theory]
    [InlineData(CheckKind.Role)]
    [InlineData(CheckKind.ReplicationLag)]
    [InlineData(CheckKind.ArchiveReady)]
    [InlineData(CheckKind.Upstream)]
    [InlineData(CheckKind.Downstream)]
    [InlineData(CheckKind.Slots)]
    [InlineData(CheckKind.MissingSlots)]
    public void Evaluate_is_critical_with_connect_error_when_node_is_not_reachable(CheckKind kind)
    {
        var result = Check(kind, On(1, facts: null));

        Assert.Equal((CheckStatus.Critical, "unable to connect to node: connection refused"), (result.Status, result.Details));
    }

    [Fact]
    public void MissingSlots_names_the_slot_of_a_registered_standby_that_the_node_does_not_have()
    {
        NodeRecord[] nodes = [Primary(1), Standby(2, upstream: 1) with { SlotName = "pgward_slot_2" }, Standby(3, upstream: 1) with { SlotName = "pgward_slot_3" },
            Standby(4, upstream: 1) with { SlotName = "pgward_slot_4", Active = false }, Standby(5, upstream: 1)];
        var facts = Primary() with { Slots = [new("pgward_slot_2", "physical", true), new("pgward_slot_3", "logical", true)] };

        var result = Check(CheckKind.MissingSlots, On(1, facts, nodes));

        // Node 3's slot is a logical one of that name, node 4 is inactive, node 5 uses no slot.
        Assert.Equal((CheckStatus.Critical, "1 of 2 physical replication slots are missing: pgward_slot_3 (for node \"node3\" (ID: 3))",
            "missing_slots=1;pgward_slot_3"), (result.Status, result.Details, result.Perfdata));
        var whole = Check(CheckKind.MissingSlots, On(1, facts with { Slots = [.. facts.Slots, new("pgward_slot_3", "physical", false)] }, nodes));
        Assert.Equal((CheckStatus.Ok, "node has no missing physical replication slots", "missing_slots=0"), (whole.Status, whole.Details, whole.Perfdata));
    }

    [Theory]
    [InlineData(false, false, null, CheckStatus.Critical, "pgward agent not running: no answer from https://127.0.0.1:6601: Connection refused")]
    [InlineData(true, true, null, CheckStatus.Warning, "pgward agent running (PID 42) but paused (pgward daemon unpause)")]
    [InlineData(true, false, null, CheckStatus.Ok, "pgward agent running (PID 42)")]
    [InlineData(true, false, "its report was refused", CheckStatus.Unknown, "pgward agent running, but its report was refused")]
    public void Agent_is_critical_when_it_does_not_answer_and_a_warning_while_paused(bool answered, bool paused, string? problem, CheckStatus status, string details)
    {
        var sighting = new AgentSighting("https://127.0.0.1:6601", answered, paused, answered && problem is null ? 42 : null,
            answered ? problem : "no answer from https://127.0.0.1:6601: Connection refused");

        var result = Check(CheckKind.Agent, On(1, facts: null) with { Agent = sighting });

        Assert.Equal((status, details), (result.Status, result.Details));
    }
}
