using Pgward.Cluster.Matrix;
using Xunit;
using static Pgward.UnitTests.Cluster.Matrix.MatrixBuilder;

namespace Pgward.UnitTests.Cluster.Matrix;

public class CrosscheckTests
{
    private static string Cells(ConnectivityMatrix matrix, int source) =>
        string.Concat(matrix.Rows.Select(t => matrix.Status(source, t.NodeId) switch
        {
            LinkStatus.Ok => '*',
            LinkStatus.Failed => 'x',
            _ => '?',
        }));

    [Fact]
    public void Merge_keeps_the_matrix_and_warns_nothing_when_every_view_agrees()
    {
        var own = Of(Row(1, "***"), Row(2, "***"), Row(3, "***"));

        var result = Crosscheck.Merge(own, [new ObserverView(1, own), new ObserverView(2, own), new ObserverView(3, own)]);

        Assert.Empty(result.Warnings);
        Assert.True(result.Matrix.AllOk());
    }

    [Fact]
    public void Merge_takes_a_row_relayed_by_another_agent_when_this_host_cannot_reach_the_source()
    {
        var own = Of(Row(1, "***"), Row(2, "***"), Unknown(3));
        var fromNode2 = Of(Row(1, "***"), Row(2, "***"), Row(3, "**x"));

        var result = Crosscheck.Merge(own, [new ObserverView(1, own), new ObserverView(2, fromNode2), new ObserverView(3, null, "unreachable")]);

        Assert.Equal("**x", Cells(result.Matrix, 3));
        Assert.Equal("node 3 inaccessible via its agent from this host (agent of node3 unreachable); its row was relayed by node 2",
            Assert.Single(result.Warnings));
        Assert.Equal("node3 to node3 refused", result.Matrix.Rows[2].ErrorTo(3));
    }

    [Fact]
    public void Merge_leaves_a_row_unknown_and_names_the_node_when_no_view_has_it()
    {
        var own = Of(Row(1, "**x"), Row(2, "**x"), Unknown(3));

        var result = Crosscheck.Merge(own, [new ObserverView(1, own), new ObserverView(2, own), new ObserverView(3, null, "unreachable")]);

        Assert.Equal(["**x", "**x", "???"], [Cells(result.Matrix, 1), Cells(result.Matrix, 2), Cells(result.Matrix, 3)]);
        Assert.Equal("node 3 inaccessible via its agent: agent of node3 unreachable", Assert.Single(result.Warnings));
        Assert.False(result.Matrix.AllOk());
    }

    [Fact]
    public void Merge_reports_a_link_failed_when_any_view_saw_it_fail()
    {
        var own = Of(Row(1, "***"), Row(2, "***"));
        var fromNode2 = Of(Row(1, "*x"), Row(2, "***"));

        var result = Crosscheck.Merge(own, [new ObserverView(2, fromNode2)]);

        Assert.Equal("*x", Cells(result.Matrix, 1));
        Assert.Equal("node1 to node2 refused", result.Matrix.Rows[0].ErrorTo(2));
    }

    [Fact]
    public void Merge_fills_a_target_missing_from_one_view_from_another()
    {
        var own = Of(Row(1, "*?"), Row(2, "**"));
        var fromNode2 = Of(Row(1, "**"), Row(2, "**"));

        var result = Crosscheck.Merge(own, [new ObserverView(2, fromNode2)]);

        Assert.True(result.Matrix.AllOk());
    }

    [Fact]
    public void Merge_ignores_nodes_this_host_does_not_know_and_warns_about_an_agent_that_could_not_relay()
    {
        var own = Of(Row(1, "**"), Row(2, "**"));
        var fromNode1 = Of(Row(1, "**"), Row(2, "**"), Row(9, "**"));

        var result = Crosscheck.Merge(own, [new ObserverView(1, fromNode1), new ObserverView(2, null, "agent answered 503")]);

        Assert.Equal([1, 2], result.Matrix.Rows.Select(r => r.NodeId));
        Assert.Equal("node 2 could not relay its view of the cluster: agent answered 503", Assert.Single(result.Warnings));
    }
}
