using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class PostmasterSocketTests
{
    [Fact]
    public void Parse_returns_the_port_and_first_socket_directory_of_a_postmaster_pid_file()
    {
        const string contents = "4242\n/tmp/pgward-it/x/data\n1764090000\n5433\n/tmp/pgward-it/x\n127.0.0.1\n  5433001  32768\nready   \n";

        Assert.Equal(new PostmasterSocket("/tmp/pgward-it/x", 5433), PostmasterSocket.Parse(contents));
    }

    [Fact]
    public void Parse_returns_null_when_the_server_listens_on_no_socket() =>
        Assert.Null(PostmasterSocket.Parse("4242\n/data\n1764090000\n5433\n\n127.0.0.1\n  5433001  32768\nready   \n"));

    [Theory]
    [InlineData("")]
    [InlineData("4242\n/data\n1764090000\n")]
    [InlineData("4242\n/data\n1764090000\nport\n/tmp\n")]
    [InlineData("4242\n/data\n1764090000\n0\n/tmp\n")]
    [InlineData("4242\n/data\n1764090000\n5433\nrelative/dir\n")]
    public void Parse_returns_null_when_the_lines_are_not_there_or_not_valid(string contents) =>
        Assert.Null(PostmasterSocket.Parse(contents));

    [Fact]
    public void Read_returns_null_without_a_postmaster_pid_file() =>
        Assert.Null(PostmasterSocket.Read(Path.Combine(Path.GetTempPath(), "pgward-no-such-data-directory")));
}
