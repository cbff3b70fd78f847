using Pgward.Cluster.Show;
using Pgward.Core.Metadata;
using Xunit;
using static Pgward.UnitTests.Cluster.TestData;

namespace Pgward.UnitTests.Cluster.Show;

public class ClusterStatusEvaluatorTests
{
    private static NodeObservation Running(NodeRecord node, bool inRecovery, params string[] attached) =>
        new(node, Reachability.Reachable, inRecovery, 1, attached, null);

    private static NodeObservation Failed(NodeRecord node, Reachability reachability, string? error = null) =>
        NodeObservation.Failed(node, reachability, error);

    /// <summary>node1 primary with node2 and node3 streaming from it.</summary>
    private static List<NodeObservation> Healthy() =>
    [
        Running(Primary(1), inRecovery: false, "node2", "node3"),
        Running(Standby(2, upstream: 1), inRecovery: true),
        Running(Standby(3, upstream: 1), inRecovery: true),
    ];

    private static ClusterRow Row(IReadOnlyList<NodeObservation> observations, int id) =>
        ClusterStatusEvaluator.Evaluate(observations, "node1").Rows.Single(r => r.Id == id);

    [Theory]
    [InlineData(NodeType.Primary, true, false, "* running")]
    [InlineData(NodeType.Primary, true, true, "! running as standby")]
    [InlineData(NodeType.Primary, false, false, "! running")]
    [InlineData(NodeType.Primary, false, true, "! running as standby")]
    [InlineData(NodeType.Standby, true, true, "  running")]
    [InlineData(NodeType.Standby, true, false, "! running as primary")]
    [InlineData(NodeType.Standby, false, true, "! running")]
    [InlineData(NodeType.Standby, false, false, "! running as primary")]
    [InlineData(NodeType.Witness, true, false, "* running")]
    [InlineData(NodeType.Witness, false, false, "! running")]
    public void Status_marks_running_node_by_role_record_and_recovery_when_reachable(
        NodeType type, bool active, bool inRecovery, string expected)
    {
        var node = Node(2, type, type == NodeType.Primary ? null : 1, active);

        Assert.Equal(expected, ClusterStatusEvaluator.Status(Running(node, inRecovery)));
    }

    [Theory]
    [InlineData(NodeType.Primary, true, Reachability.Rejected, "? running")]
    [InlineData(NodeType.Primary, false, Reachability.Rejected, "! running")]
    [InlineData(NodeType.Standby, true, Reachability.Rejected, "? running")]
    [InlineData(NodeType.Standby, false, Reachability.Rejected, "! running")]
    [InlineData(NodeType.Witness, true, Reachability.Rejected, "? rejected")]
    [InlineData(NodeType.Witness, false, Reachability.Rejected, "! failed")]
    [InlineData(NodeType.Primary, true, Reachability.Unreachable, "? unreachable")]
    [InlineData(NodeType.Primary, false, Reachability.Unreachable, "- failed")]
    [InlineData(NodeType.Standby, true, Reachability.Unreachable, "? unreachable")]
    [InlineData(NodeType.Standby, false, Reachability.Unreachable, "- failed")]
    [InlineData(NodeType.Witness, true, Reachability.Unreachable, "? unreachable")]
    [InlineData(NodeType.Witness, false, Reachability.Unreachable, "- failed")]
    public void Status_marks_node_by_role_and_record_when_not_connected(
        NodeType type, bool active, Reachability reachability, string expected)
    {
        var node = Node(2, type, type == NodeType.Primary ? null : 1, active);

        Assert.Equal(expected, ClusterStatusEvaluator.Status(Failed(node, reachability)));
    }

    [Fact]
    public void Evaluate_gives_repmgr_rows_and_no_warnings_when_three_node_cluster_is_healthy()
    {
        var report = ClusterStatusEvaluator.Evaluate(Healthy(), "node1");

        Assert.Empty(report.Warnings);
        Assert.Equal("node1", report.ReadFrom);
        Assert.Equal([1, 2, 3], report.Rows.Select(r => r.Id));
        Assert.Equal(["* running", "  running", "  running"], report.Rows.Select(r => r.Status));
        Assert.Equal(["", "node1", "node1"], report.Rows.Select(r => r.Upstream));
        Assert.Equal(["primary", "standby", "standby"], report.Rows.Select(r => r.Role));
        Assert.Equal(["1", "1", "1"], report.Rows.Select(r => r.Timeline));
        Assert.All(report.Rows, r => Assert.True(r.Reachable));
        Assert.Equal([null, true, true], report.Rows.Select(r => r.AttachedToUpstream));
    }

    [Fact]
    public void Evaluate_orders_rows_by_node_id_when_observations_come_unordered()
    {
        var observations = Healthy();
        observations.Reverse();

        var report = ClusterStatusEvaluator.Evaluate(observations, "node1");

        Assert.Equal([1, 2, 3], report.Rows.Select(r => r.Id));
    }

    [Fact]
    public void Upstream_is_marked_not_attached_when_upstream_does_not_list_the_standby()
    {
        List<NodeObservation> observations =
        [
            Running(Primary(1), inRecovery: false, "node3"),
            Running(Standby(2, upstream: 1), inRecovery: true),
            Running(Standby(3, upstream: 1), inRecovery: true),
        ];

        var row = Row(observations, 2);

        Assert.Equal("! node1", row.Upstream);
        Assert.False(row.AttachedToUpstream);
    }

    [Fact]
    public void Upstream_is_marked_unknown_when_upstream_is_unreachable()
    {
        List<NodeObservation> observations =
        [
            Failed(Primary(1), Reachability.Unreachable),
            Running(Standby(2, upstream: 1), inRecovery: true),
        ];

        var row = Row(observations, 2);

        Assert.Equal("? node1", row.Upstream);
        Assert.Null(row.AttachedToUpstream);
    }

    [Fact]
    public void Upstream_is_marked_unknown_when_standby_itself_is_unreachable()
    {
        List<NodeObservation> observations =
        [
            Running(Primary(1), inRecovery: false),
            Failed(Standby(2, upstream: 1), Reachability.Unreachable),
        ];

        Assert.Equal("? node1", Row(observations, 2).Upstream);
    }

    [Fact]
    public void Upstream_shows_node_id_when_upstream_is_not_registered()
    {
        List<NodeObservation> observations = [Running(Standby(2, upstream: 9), inRecovery: true)];

        Assert.Equal("? 9", Row(observations, 2).Upstream);
    }

    [Fact]
    public void Upstream_of_witness_is_plain_name_when_primary_does_not_stream_to_it()
    {
        List<NodeObservation> observations =
        [
            Running(Primary(1), inRecovery: false),
            Running(Witness(4, upstream: 1), inRecovery: false),
        ];

        var row = Row(observations, 4);

        Assert.Equal("node1", row.Upstream);
        Assert.Null(row.AttachedToUpstream);
    }

    [Fact]
    public void Timeline_is_na_for_witness_and_empty_when_node_is_unreachable()
    {
        List<NodeObservation> observations =
        [
            Running(Primary(1), inRecovery: false, "node2"),
            Running(Standby(2, upstream: 1), inRecovery: true) with { Timeline = 4 },
            Failed(Standby(3, upstream: 1), Reachability.Unreachable),
            Running(Witness(4, upstream: 1), inRecovery: false),
        ];

        var report = ClusterStatusEvaluator.Evaluate(observations, "node1");

        Assert.Equal(["1", "4", "", "n/a"], report.Rows.Select(r => r.Timeline));
    }

    [Fact]
    public void Conninfo_column_masks_password_when_record_holds_one()
    {
        var node = Primary(1) with { Conninfo = "host=127.0.0.1 user=pgward password=s3cr3t dbname=pgward" };

        var row = Row([Running(node, inRecovery: false)], 1);

        Assert.Equal("host=127.0.0.1 user=pgward password=***** dbname=pgward", row.Conninfo);
        Assert.DoesNotContain("s3cr3t", row.Conninfo, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("host=127.0.0.1 user=pgward PASSWORD=s3cr3t dbname=pgward")]
    [InlineData("host=127.0.0.1 Password=s3cr3t")]
    [InlineData("host=127.0.0.1 password='s3cr3t")]
    public void Conninfo_column_shows_a_placeholder_not_the_text_when_record_cannot_be_parsed(string conninfo)
    {
        var node = Primary(1) with { Conninfo = conninfo };

        var row = Row([Running(node, inRecovery: false)], 1);

        Assert.DoesNotContain("s3cr3t", row.Conninfo, StringComparison.Ordinal);
        Assert.Contains("could not be parsed", row.Conninfo, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_give_two_lines_when_active_node_is_unreachable()
    {
        var observations = Healthy();
        observations[2] = Failed(Standby(3, upstream: 1), Reachability.Unreachable, "connection refused");
        observations[0] = Running(Primary(1), inRecovery: false, "node2");

        var warnings = ClusterStatusEvaluator.Evaluate(observations, "node1").Warnings;

        Assert.Equal(
            [
                "unable to connect to node \"node3\" (ID: 3): connection refused",
                "node \"node3\" (ID: 3) is registered as an active standby but is unreachable",
            ],
            warnings);
    }

    [Fact]
    public void Warnings_give_only_the_connect_line_when_active_node_rejects_the_connection()
    {
        var observations = Healthy();
        observations[2] = Failed(Standby(3, upstream: 1), Reachability.Rejected);
        observations[0] = Running(Primary(1), inRecovery: false, "node2");

        var warnings = ClusterStatusEvaluator.Evaluate(observations, "node1").Warnings;

        Assert.Equal(["unable to connect to node \"node3\" (ID: 3)"], warnings);
    }

    [Fact]
    public void Warnings_are_empty_when_inactive_node_is_unreachable()
    {
        var observations = Healthy();
        observations[2] = Failed(Standby(3, upstream: 1, active: false), Reachability.Unreachable);
        observations[0] = Running(Primary(1), inRecovery: false, "node2");

        Assert.Empty(ClusterStatusEvaluator.Evaluate(observations, "node1").Warnings);
    }

    [Fact]
    public void Warnings_name_both_primaries_when_standby_runs_as_primary()
    {
        var observations = Healthy();
        observations[1] = Running(Standby(2, upstream: 1), inRecovery: false);
        observations[0] = Running(Primary(1), inRecovery: false, "node3");

        var warnings = ClusterStatusEvaluator.Evaluate(observations, "node1").Warnings;

        Assert.Contains("node \"node2\" (ID: 2) is registered as standby but running as primary", warnings);
        Assert.Contains("more than one node is running as primary: node \"node1\" (ID: 1), node \"node2\" (ID: 2)", warnings);
    }

    [Fact]
    public void Warnings_say_primary_runs_as_standby_when_registered_primary_is_in_recovery()
    {
        List<NodeObservation> observations =
        [
            Running(Primary(1), inRecovery: true),
            Running(Standby(2, upstream: 1), inRecovery: false, "node1"),
        ];

        var warnings = ClusterStatusEvaluator.Evaluate(observations, "node2").Warnings;

        Assert.Contains("node \"node1\" (ID: 1) is registered as primary but running as standby", warnings);
        Assert.DoesNotContain(warnings, w => w.StartsWith("more than one", StringComparison.Ordinal));
    }

    [Fact]
    public void Warnings_name_the_node_followed_when_standby_streams_from_another_node_than_its_upstream()
    {
        List<NodeObservation> observations =
        [
            Running(Primary(1), inRecovery: false, "node2"),
            Running(Standby(2, upstream: 1), inRecovery: true, "node3"),
            Running(Standby(3, upstream: 1), inRecovery: true),
        ];

        var report = ClusterStatusEvaluator.Evaluate(observations, "node1");

        Assert.Equal(
            ["node \"node3\" (ID: 3) follows node \"node2\" (ID: 2), not its registered upstream node \"node1\" (ID: 1)"],
            report.Warnings);
        Assert.Equal("! node1", report.Rows.Single(r => r.Id == 3).Upstream);
    }

    [Fact]
    public void Warnings_say_standby_is_not_attached_when_no_node_streams_to_it()
    {
        List<NodeObservation> observations =
        [
            Running(Primary(1), inRecovery: false),
            Running(Standby(2, upstream: 1), inRecovery: true),
        ];

        var warnings = ClusterStatusEvaluator.Evaluate(observations, "node1").Warnings;

        Assert.Equal(["node \"node2\" (ID: 2) is not attached to its upstream node \"node1\" (ID: 1)"], warnings);
    }

    [Fact]
    public void Warnings_say_why_a_delayed_standby_is_not_attached()
    {
        List<NodeObservation> observations =
        [
            Running(Primary(1), inRecovery: false),
            Running(Standby(2, upstream: 1), inRecovery: true) with { ApplyDelay = "1h" },
        ];

        var warnings = ClusterStatusEvaluator.Evaluate(observations, "node1").Warnings;

        Assert.Equal(["node \"node2\" (ID: 2) is not attached to its upstream node \"node1\" (ID: 1) (a delayed standby, recovery_min_apply_delay = 1h: "
            + "after a failover it attaches once it has replayed what it holds back)"], warnings);
    }

    [Fact]
    public void Warnings_say_record_is_inactive_when_node_is_running()
    {
        var observations = Healthy();
        observations[2] = Running(Standby(3, upstream: 1, active: false), inRecovery: true);

        var report = ClusterStatusEvaluator.Evaluate(observations, "node1");

        Assert.Equal(["node \"node3\" (ID: 3) is registered as an inactive standby but is running"], report.Warnings);
        Assert.Equal("! running", report.Rows.Single(r => r.Id == 3).Status);
    }

    [Fact]
    public void Warnings_do_not_count_witness_as_second_primary_when_it_runs_out_of_recovery()
    {
        var observations = Healthy();
        observations.Add(Running(Witness(4, upstream: 1), inRecovery: false));

        var report = ClusterStatusEvaluator.Evaluate(observations, "node1");

        Assert.Empty(report.Warnings);
        Assert.Equal("* running", report.Rows.Single(r => r.Id == 4).Status);
    }
}
