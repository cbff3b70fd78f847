using Pgward.Core.Processes;
using Xunit;

namespace Pgward.UnitTests.Processes;

public sealed class CommandLineTests
{
    [Fact]
    public void Format_quotes_only_arguments_that_need_it() =>
        Assert.Equal("pg_basebackup -D /tmp/x -d 'host=127.0.0.1 port=5432' 'it'\\''s' ''",
            CommandLine.Format("pg_basebackup", ["-D", "/tmp/x", "-d", "host=127.0.0.1 port=5432", "it's", ""]));

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("  --max-rate=200M\t-P ", new[] { "--max-rate=200M", "-P" })]
    [InlineData("-T '/ts/old dir=/ts/new dir'", new[] { "-T", "/ts/old dir=/ts/new dir" })]
    [InlineData("--label=\"a \\\"b\\\" c\" x\\ y", new[] { "--label=a \"b\" c", "x y" })]
    [InlineData("'it'\\''s' \"$HOME\"", new[] { "it's", "$HOME" })]
    public void Split_reads_words_as_sh_does_without_expanding_anything(string text, string[] words)
    {
        var (split, problem) = CommandLine.Split(text);

        Assert.Null(problem);
        Assert.Equal(words, split);
    }

    [Theory]
    [InlineData("--waldir='/wal", "unterminated ' at character 10")]
    [InlineData("--label=\"x", "unterminated \"")]
    public void Split_names_an_unterminated_quote(string text, string problem) =>
        Assert.Equal(problem, CommandLine.Split(text).Problem);

    [Fact]
    public void Split_undoes_Format() =>
        Assert.Equal(["-d", "host=127.0.0.1 port=5432", "it's", ""],
            CommandLine.Split(CommandLine.Format("pg_basebackup", ["-d", "host=127.0.0.1 port=5432", "it's", ""])).Words.Skip(1));
}
