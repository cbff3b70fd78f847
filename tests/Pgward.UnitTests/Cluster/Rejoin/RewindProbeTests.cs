using Pgward.Cluster.Rejoin;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Cluster.Rejoin;

public sealed class RewindProbeTests
{
    [Fact]
    public void Parse_reads_the_fork_point_when_rewind_is_required()
    {
        var probe = RewindProbe.Parse(true, """
            pg_rewind: servers diverged at WAL location 0/50009D8 on timeline 1
            pg_rewind: rewinding from last common checkpoint at 0/4000060 on timeline 1
            pg_rewind: Done!
            """);

        Assert.Equal(RewindProbeResult.RewindRequired, probe.Result);
        Assert.Equal(Lsn.Parse("0/50009D8"), probe.DivergedAt);
        Assert.Equal(1, probe.DivergedOnTimeline);
    }

    [Theory]
    [InlineData(true, "pg_rewind: source and target cluster are on the same timeline\npg_rewind: no rewind required", RewindProbeResult.NoRewindRequired)]
    [InlineData(false, "pg_rewind: error: target server must be shut down cleanly", RewindProbeResult.NotShutDownCleanly)]
    [InlineData(false, "pg_rewind: error: target server needs to use either data checksums or \"wal_log_hints = on\"", RewindProbeResult.NoHints)]
    [InlineData(false, "pg_rewind: error: could not open file \"/d/pg_wal/000000010000000000000003\": No such file or directory", RewindProbeResult.MissingWal)]
    [InlineData(false, "pg_rewind: error: could not find previous WAL record at 0/3000060", RewindProbeResult.MissingWal)]
    [InlineData(false, "pg_rewind: error: connection to server failed: Connection refused", RewindProbeResult.Failed)]
    public void Parse_classifies_pg_rewind_messages(bool succeeded, string output, RewindProbeResult expected) =>
        Assert.Equal(expected, RewindProbe.Parse(succeeded, output).Result);
}
