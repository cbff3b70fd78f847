using Pgward.Core.Processes;
using Xunit;

namespace Pgward.UnitTests.Processes;

public sealed class CommandLineTests
{
    [Fact]
    public void Format_quotes_only_arguments_that_need_it() =>
        Assert.Equal("pg_basebackup -D /tmp/x -d 'host=127.0.0.1 port=5432' 'it'\\''s' ''",
            CommandLine.Format("pg_basebackup", ["-D", "/tmp/x", "-d", "host=127.0.0.1 port=5432", "it's", ""]));
}
