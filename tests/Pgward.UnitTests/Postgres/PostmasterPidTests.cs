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
