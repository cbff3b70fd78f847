using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class PostmasterPidTests
{
    [Fact]
    public void Parse_returns_first_line_pid_of_a_postmaster_pid_file()
    {
        const string contents = "4242\n/tmp/pgward-it/x/data\n1764090000\n5433\n/tmp/pgward-it/x\n127.0.0.1\n  5433001  32768\nready   \n";

        Assert.Equal(4242, PostmasterPid.Parse(contents));
    }

    [Theory]
    [InlineData("ready   ", 0, 4242)]
    [InlineData("standby ", 0, 4242)]
    [InlineData("starting", 0, null)]
    [InlineData("stopping", 0, null)]
    [InlineData("ready   ", 3, null)] // started more than 2 s before the launch: a file an earlier server left
    [InlineData("ready   ", 2, 4242)]
    public void ReadyPid_reads_the_status_line_and_the_start_time_as_pg_ctl_does(string status, int launchedSecondsLater, int? expected)
    {
        var contents = $"4242\n/data\n1764090000\n5433\n/tmp\n127.0.0.1\n  5433001  32768\n{status}\n";
        var launched = DateTimeOffset.FromUnixTimeSeconds(1764090000 + launchedSecondsLater);
        Assert.Equal(expected, PostmasterPid.ReadyPid(contents, launched));
    }

    [Fact]
    public void ReadyPid_is_null_for_a_file_still_being_written() =>
        Assert.Null(PostmasterPid.ReadyPid("4242\n/data\n1764090000\n5433\n", DateTimeOffset.FromUnixTimeSeconds(1764090000)));

    [Fact]
    public void Parse_takes_the_absolute_value_of_a_single_user_backend_pid() =>
        Assert.Equal(4242, PostmasterPid.Parse("-4242\n/data\n"));

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("not-a-pid\n")]
    [InlineData("0\n")]
    public void Parse_returns_null_when_first_line_is_not_a_pid(string contents) =>
        Assert.Null(PostmasterPid.Parse(contents));

    [Theory]
    [InlineData("123 (postgres) S 1 123 123 0 -1", true)]
    [InlineData("123 (post gres) (x)) R 1 123", true)]
    [InlineData("123 (postgres) Z 1 123 123 0 -1", false)]
    [InlineData("123 (postgres) X 1", false)]
    [InlineData("garbage", false)]
    public void IsLiveState_reads_the_state_after_the_command_name(string procStat, bool alive) =>
        Assert.Equal(alive, PostmasterPid.IsLiveState(procStat));

    [Fact]
    public void ProcessAlive_is_true_for_this_process_and_false_for_none()
    {
        Assert.True(PostmasterPid.ProcessAlive(Environment.ProcessId));
        Assert.False(PostmasterPid.ProcessAlive(0));
        Assert.False(PostmasterPid.ProcessAlive(-1));
        Assert.False(PostmasterPid.ProcessAlive(int.MaxValue));
    }
}
