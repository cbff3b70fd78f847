using Pgward.Cli.Commands;
using Xunit;
using static Pgward.UnitTests.Cluster.Matrix.MatrixBuilder;

namespace Pgward.UnitTests.Cli;

public class MatrixOutputTests
{
    private static readonly Pgward.Cluster.Matrix.ConnectivityMatrix NodeThreeDown = Of(Row(1, "**x"), Row(2, "**x"), Unknown(3));

    private static string Render(bool csv = false, bool json = false)
    {
        var output = new StringWriter { NewLine = "\n" };
        MatrixOutput.Write(output, NodeThreeDown, ["node 3 inaccessible via its agent"], csv, json);
        return output.ToString();
    }

    [Fact]
    public void Table_matches_repmgr_layout_when_a_node_is_down()
    {
        Assert.Equal(
            """
             Name  | ID | 1 | 2 | 3
            -------+----+---+---+---
             node1 | 1  | * | * | x
             node2 | 2  | * | * | x
             node3 | 3  | ? | ? | ?

            """.ReplaceLineEndings("\n"),
            Render());
    }

    [Fact]
    public void Csv_gives_from_to_status_with_repmgr_codes()
    {
        var lines = Render(csv: true).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(9, lines.Length);
        Assert.Equal(["1,1,0", "1,2,0", "1,3,-1"], lines[..3]);
        Assert.Equal(["3,1,-2", "3,2,-2", "3,3,-2"], lines[6..]);
    }

    [Fact]
    public void Json_names_each_cell_and_keeps_the_errors_and_warnings()
    {
        var json = Render(json: true);

        Assert.Contains("\"all_ok\": false", json, StringComparison.Ordinal);
        Assert.Contains("\"node 3 inaccessible via its agent\"", json, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"failed\",\n          \"error\": \"node1 to node3 refused\"", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"error\": \"agent of node3 unreachable\"", json, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"unknown\"", json, StringComparison.Ordinal);
    }
}
