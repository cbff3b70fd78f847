using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public class ConfigParserTests
{
    private static ConfigEntry Single(string text)
    {
        var result = ConfigParser.Parse(text, "pgward.conf");
        Assert.Empty(result.Errors);
        return Assert.Single(result.Entries);
    }

    [Theory]
    [InlineData("node_id=1", "1")]
    [InlineData("node_id = 1", "1")]
    [InlineData("node_id 1", "1")]
    [InlineData("  node_id\t=\t1  ", "1")]
    [InlineData("node_id = 0x1F", "0x1F")]
    [InlineData("node_id = 1 # the first node", "1")]
    [InlineData("node_id = 1# comment without space", "1")]
    public void Parse_reads_name_and_value_when_equals_sign_and_spaces_vary(string line, string value)
    {
        var entry = Single(line);
        Assert.Equal("node_id", entry.Key);
        Assert.Equal(value, entry.Value);
    }

    [Theory]
    [InlineData("conninfo = 'host=node1 dbname=pgward'", "host=node1 dbname=pgward")]
    [InlineData("node_name = 'o''brien'", "o'brien")]
    [InlineData(@"node_name = 'o\'brien'", "o'brien")]
    [InlineData("node_name = ''", "")]
    [InlineData("node_name = 'a # not a comment' # a comment", "a # not a comment")]
    [InlineData("node_name = \"double quoted\"", "double quoted")]
    [InlineData("node_name = \"say \"\"hi\"\"\"", "say \"hi\"")]
    [InlineData(@"node_name = 'back\\slash'", @"back\slash")]
    [InlineData(@"node_name = 'line\nbreak'", "line\nbreak")]
    public void Parse_unquotes_and_unescapes_when_value_is_quoted(string line, string value)
    {
        Assert.Equal(value, Single(line).Value);
    }

    [Theory]
    [InlineData("data_directory = var/lib/pg-15/main")]
    [InlineData("agent_address = host.example:8008")]
    [InlineData("maximum_lag_on_failover = 16MB")]
    [InlineData("priority = -1")]
    [InlineData("ratio = 0.5")]
    public void Parse_accepts_unquoted_value_when_it_is_a_number_or_word(string line)
    {
        Single(line);
    }

    [Theory]
    [InlineData("conninfo = host=node1 dbname=pgward")]
    [InlineData("data_directory = /var/lib/postgresql")]
    [InlineData("node_name = two words")]
    [InlineData("node_name = 'unterminated")]
    [InlineData("node_name =")]
    [InlineData("= 1")]
    [InlineData("[backup")]
    [InlineData("[bad name]")]
    public void Parse_reports_syntax_error_with_file_and_line_when_line_is_malformed(string line)
    {
        var result = ConfigParser.Parse("node_id = 1\n" + line + "\n", "/etc/pgward.conf");

        var error = Assert.Single(result.Errors);
        Assert.Equal("/etc/pgward.conf", error.File);
        Assert.Equal(2, error.Line);
        Assert.Contains("syntax error", error.Message);
        Assert.StartsWith("/etc/pgward.conf:2: ", error.ToString());
    }

    [Fact]
    public void Parse_never_echoes_the_line_when_reporting_a_syntax_error()
    {
        var result = ConfigParser.Parse("agent_token = very secret", "pgward.conf");

        var error = Assert.Single(result.Errors);
        Assert.DoesNotContain("secret", error.ToString());
    }

    [Fact]
    public void Parse_collects_every_syntax_error_when_several_lines_are_bad()
    {
        var result = ConfigParser.Parse("a = b c\nnode_id = 1\nd = 'e\nf = g h", "pgward.conf");

        Assert.Equal([1, 3, 4], result.Errors.Select(e => e.Line));
        Assert.Single(result.Entries);
    }

    [Fact]
    public void Parse_skips_blank_and_comment_lines_and_keeps_line_numbers()
    {
        var result = ConfigParser.Parse("# header\n\n   \nnode_id = 1\r\n# end\n", "pgward.conf");

        var entry = Assert.Single(result.Entries);
        Assert.Equal(4, entry.Line);
    }

    [Fact]
    public void Parse_puts_keys_after_a_header_in_that_section()
    {
        var result = ConfigParser.Parse("node_id = 1\n[Backup]  # the backup server\nretention = 'REDUNDANCY 2'\n", "pgward.conf");

        Assert.Empty(result.Errors);
        Assert.Equal(("", "node_id"), (result.Entries[0].Section, result.Entries[0].Key));
        Assert.Equal(("backup", "retention"), (result.Entries[1].Section, result.Entries[1].Key));
    }

    [Fact]
    public void Parse_lowercases_names_when_written_in_upper_case()
    {
        Assert.Equal("node_id", Single("NODE_ID = 1").Key);
    }
}
