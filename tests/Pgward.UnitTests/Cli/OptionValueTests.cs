using System.CommandLine;
using System.CommandLine.Help;
using Pgward.Cli;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Cli;

/// <summary>
/// Every option that takes a value other than text, in every command, given a value it cannot take: a usage error
/// that names the option (exit 1), never an unhandled exception or a .NET type name. Only parse errors are run, so
/// no command reaches its configuration or a server.
/// </summary>
public sealed class OptionValueTests : IDisposable
{
    private static readonly string[] BadValues = ["abc", "99999999999", "-99999999999", "1.5", ""];

    private readonly TempDirectory _dir = new();
    private readonly StringWriter _out = new() { NewLine = "\n" };
    private readonly StringWriter _error = new() { NewLine = "\n" };

    public void Dispose() => _dir.Dispose();

    private CliEnvironment Environment() =>
        new(_out, _error, _ => null, _dir.Path, TimeProvider.System, IsTerminal: false);

    private Task<int> RunAsync(params string[] args) =>
        PgwardApp.RunAsync(args, Environment(), TestContext.Current.CancellationToken);

    private static IEnumerable<(string[] Path, Option Option)> ValueOptions(Command command, string[] path)
    {
        foreach (var option in command.Options.Where(o => o.ValueType != typeof(string) && o.ValueType != typeof(bool)
            && o.ValueType != typeof(string[]) && !o.Recursive && o is not (HelpOption or VersionOption)))
        {
            yield return (path, option);
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var found in ValueOptions(sub, [.. path, sub.Name]))
            {
                yield return found;
            }
        }
    }

    [Fact]
    public async Task Every_option_that_takes_a_number_or_word_exits_1_naming_the_option_when_given_a_bad_value()
    {
        var options = ValueOptions(PgwardApp.BuildRoot(Environment()), []).ToList();
        Assert.True(options.Count >= 15, $"found only {options.Count} options with values; the walk is broken");

        foreach (var (path, option) in options)
        {
            foreach (var bad in BadValues)
            {
                string[] args = [.. path, option.Name, bad];
                var what = string.Join(' ', args);
                var parse = PgwardApp.BuildRoot(Environment()).Parse(args);
                var messages = parse.Errors.Select(e => e.Message).ToList();
                Assert.True(messages.Any(m => m.Contains(option.Name, StringComparison.Ordinal)),
                    $"{what}: no error names {option.Name}: {string.Join(" | ", messages)}");
                Assert.DoesNotContain(messages, m => m.Contains("System.", StringComparison.Ordinal));

                _error.GetStringBuilder().Clear();
                Assert.Equal(1, await RunAsync(args));
                Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("cluster", "event", "--limit", "abc", "--limit: expected a whole number, got \"abc\"")]
    [InlineData("cluster", "event", "--limit", "99999999999", "--limit must be 1 or more (use --all for every event), got 99999999999")]
    [InlineData("cluster", "event", "--limit", "0", "--limit must be 1 or more (use --all for every event), got 0")]
    [InlineData("cluster", "cleanup", "--keep-history", "abc", "--keep-history: expected a whole number of days, got \"abc\"")]
    [InlineData("cluster", "cleanup", "--keep-history", "-1", "--keep-history must be 0 or more days, got -1")]
    [InlineData("cluster", "event", "--node-id", "abc", "--node-id: expected a node ID (a whole number), got \"abc\"")]
    [InlineData("standby", "follow", "--upstream-node-id", "0", "--upstream-node-id must be 1 or more, got 0")]
    [InlineData("sandbox", "up", "--port", "80", "--port must be from 1024 to 64000, got 80")]
    [InlineData("node", "service", "--action", "abc", "--action: expected start, stop, restart, reload or promote, got \"abc\"")]
    public async Task Bad_value_exits_1_with_a_message_that_says_what_is_expected(string obj, string verb, string option, string value, string message)
    {
        var exitCode = await RunAsync(obj, verb, option, value);

        Assert.Equal(1, exitCode);
        Assert.Contains(message, _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Good_values_parse_and_absent_ones_take_their_default()
    {
        var root = PgwardApp.BuildRoot(Environment());

        var given = root.Parse(["cluster", "event", "--limit", "5", "--node-id", "2"]);
        var absent = root.Parse(["cluster", "event"]);

        Assert.Empty(given.Errors);
        Assert.Equal(5, given.GetValue<int>("--limit"));
        Assert.Equal(2, given.GetValue<int?>("--node-id"));
        Assert.Equal(20, absent.GetValue<int>("--limit"));
        Assert.Null(absent.GetValue<int?>("--node-id"));
    }
}
