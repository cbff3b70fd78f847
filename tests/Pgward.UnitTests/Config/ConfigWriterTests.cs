using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public class ConfigWriterTests
{
    [Fact]
    public void Format_quotes_values_and_doubles_embedded_quotes()
    {
        var text = ConfigWriter.Format([new("node_name", "o'brien"), new("priority", "100")]);

        Assert.Equal("node_name = 'o''brien'\npriority = '100'\n", text);
    }

    [Fact]
    public void Format_output_parses_back_to_the_same_values()
    {
        KeyValuePair<string, string>[] settings =
        [
            new("node_id", "1"),
            new("node_name", "it's node 1"),
            new("conninfo", "host=127.0.0.1 port=5501 dbname=pgward password='p#w''d'"),
            new("data_directory", @"/tmp/sand box/node1\data"),
            new("event_notification_command", "echo \"%e\" # not a comment"),
            new("pg_basebackup_options", ""),
            new("follow_command", "line1\nline2"),
        ];

        var parsed = ConfigParser.Parse(ConfigWriter.Format(settings), "pgward.conf");

        Assert.Empty(parsed.Errors);
        Assert.Equal(settings, parsed.Entries.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
    }

    [Fact]
    public void Format_throws_when_name_is_not_a_setting_name()
    {
        Assert.Throws<ArgumentException>(() => ConfigWriter.Format([new("bad name", "x")]));
    }
}
