using Pgward.Cluster.Rejoin;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Cluster.Rejoin;

public sealed class ControlDataTests
{
    private const string Output = """
        pg_control version number:            1300
        Catalog version number:               202209061
        Database system identifier:           7311111111111111111
        Database cluster state:               in production
        pg_control last modified:             Wed 25 Nov 2026 18:15:59 UTC
        Latest checkpoint location:           0/4000060
        Latest checkpoint's REDO location:    0/4000028
        Latest checkpoint's TimeLineID:       1
        Minimum recovery ending location:     0/500ABB8
        Min recovery ending loc's timeline:   2
        wal_log_hints setting:                on
        Data page checksum version:           1
        """;

    [Fact]
    public void Parse_reads_the_fields_rejoin_needs_from_pg_controldata_output()
    {
        var (data, problem) = ControlData.Parse(Output);

        Assert.Null(problem);
        Assert.Equal(new ControlData(7311111111111111111, "in production", Lsn.Parse("0/4000060"), 1, true, 1, Lsn.Parse("0/500ABB8"), 2), data);
        Assert.False(data!.ShutDownCleanly);
        Assert.True(data.RewindPossible);
    }

    [Fact]
    public void Parse_names_the_missing_field_when_output_is_incomplete()
    {
        var (data, problem) = ControlData.Parse(Output.Replace("wal_log_hints setting:                on\n", "", StringComparison.Ordinal));

        Assert.Null(data);
        Assert.Contains("wal_log_hints setting", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shut down", true)]
    [InlineData("shut down in recovery", true)]
    [InlineData("in production", false)]
    [InlineData("in crash recovery", false)]
    public void ShutDownCleanly_holds_only_for_shut_down_states(string state, bool clean) =>
        Assert.Equal(clean, new ControlData(1, state, Lsn.Invalid, 1, false, 0).ShutDownCleanly);
}
