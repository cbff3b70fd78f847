using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class ServerLogTailTests
{
    [Fact]
    public void CollectorDirectory_is_read_from_the_postmasters_hint_when_the_logging_collector_took_over()
    {
        const string text = """
            2026-12-04 22:20:23.731 UTC [9155] LOG:  redirecting log output to logging collector process
            2026-12-04 22:20:23.731 UTC [9155] HINT:  Future log output will appear in directory "log".
            """;

        Assert.Equal("log", ServerLogTail.CollectorDirectory(text));
        Assert.Null(ServerLogTail.CollectorDirectory("2026-12-04 22:20:23.731 UTC [9155] FATAL:  could not create any TCP/IP sockets"));
    }

    [Fact]
    public void Format_shows_the_last_lines_and_names_the_file()
    {
        var lines = ServerLogTail.LastLines("a\nb\r\n\nc\nd\n", 3);

        Assert.Equal(["b", "c", "d"], lines);
        Assert.Equal("last lines of the server log /data/log/x.log:\n  b\n  c\n  d", ServerLogTail.Format("/data/log/x.log", lines));
    }
}
