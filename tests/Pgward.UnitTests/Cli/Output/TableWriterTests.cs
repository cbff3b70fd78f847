using Pgward.Cli.Output;
using Xunit;

namespace Pgward.UnitTests.Cli.Output;

public class TableWriterTests
{
    private static string Write(IReadOnlyList<string> headers, params string[][] rows)
    {
        var output = new StringWriter { NewLine = "\n" };
        TableWriter.Write(output, headers, rows);
        return output.ToString();
    }

    [Fact]
    public void Write_lays_out_repmgr_table_when_given_cluster_show_columns()
    {
        var text = Write(
            ["ID", "Name", "Role", "Status", "Upstream"],
            ["1", "node1", "primary", "* running", ""],
            ["2", "node2", "standby", "  running", "node1"]);

        Assert.Equal(
            """
             ID | Name  | Role    | Status    | Upstream
            ----+-------+---------+-----------+----------
             1  | node1 | primary | * running |
             2  | node2 | standby |   running | node1

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Write_widens_column_to_longest_cell_when_cell_is_longer_than_header()
    {
        var text = Write(["ID", "Status"], ["3", "? unreachable"]);

        Assert.Equal(
            [" ID | Status", "----+---------------", " 3  | ? unreachable"],
            text.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Write_leaves_no_trailing_spaces_on_any_line()
    {
        var text = Write(["ID", "Name", "Details"], ["1", "a", ""], ["22", "", "x"]);

        Assert.All(text.TrimEnd('\n').Split('\n'), line => Assert.False(line.EndsWith(' '), $"trailing space in \"{line}\""));
    }

    [Fact]
    public void Write_gives_header_and_underline_when_there_are_no_rows()
    {
        Assert.Equal(" Node ID | Name\n---------+------\n", Write(["Node ID", "Name"]));
    }
}
