using System.CommandLine;
using System.Runtime.CompilerServices;
using Pgward.Cli;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Cli;

/// <summary>
/// The command tree run in-process through <see cref="PgwardApp.RunAsync"/>. Only paths that stop before any
/// connection is opened (help, parse errors, configuration errors) belong here: unit tests open no socket.
/// </summary>
public sealed class PgwardAppTests : IDisposable
{
    /// <summary>Set to 1 to rewrite the golden files from the current output instead of comparing.</summary>
    private const string UpdateGoldenVariable = "PGWARD_UPDATE_GOLDEN";

    private readonly TempDirectory _dir = new();
    private readonly StringWriter _out = new() { NewLine = "\n" };
    private readonly StringWriter _error = new() { NewLine = "\n" };
    private readonly Dictionary<string, string> _environment = [];

    public void Dispose() => _dir.Dispose();

    private CliEnvironment Environment() =>
        new(_out, _error, name => _environment.GetValueOrDefault(name), _dir.Path, TimeProvider.System, IsTerminal: false);

    private Task<int> RunAsync(params string[] args) =>
        PgwardApp.RunAsync(args, Environment(), TestContext.Current.CancellationToken);

    private string Config(string text)
    {
        var path = _dir.File("pgward.conf");
        File.WriteAllText(path, text);
        return path;
    }

    private static string GoldenPath(string name, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Golden", name);

    [Fact]
    public async Task Help_exits_zero_and_lists_every_object()
    {
        var exitCode = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        foreach (var command in new[] { "primary", "standby", "node", "cluster", "sandbox" })
        {
            Assert.Contains($"\n  {command} ", _out.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal("", _error.ToString());
    }

    /// <summary>
    /// Pins the root help text. When the help changes on purpose, regenerate the golden file with
    /// <c>PGWARD_UPDATE_GOLDEN=1 dotnet test tests/Pgward.UnitTests --filter RootHelp_matches_golden_file</c>
    /// and review the diff of tests/Pgward.UnitTests/Cli/Golden/root-help.txt before committing it.
    /// The executable name in the usage line is the test host's, so it is written as "pgward" before comparing.
    /// Help is laid out for redirected output (no wrapping), as under <c>dotnet test</c>.
    /// </summary>
    [Fact]
    public async Task RootHelp_matches_golden_file()
    {
        await RunAsync("--help");
        var actual = _out.ToString().Replace($"\n  {RootCommand.ExecutableName} [", "\n  pgward [", StringComparison.Ordinal);
        var golden = GoldenPath("root-help.txt");

        if (System.Environment.GetEnvironmentVariable(UpdateGoldenVariable) == "1")
        {
            await File.WriteAllTextAsync(golden, actual, TestContext.Current.CancellationToken);
        }

        var expected = (await File.ReadAllTextAsync(golden, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n");
        Assert.True(expected == actual,
            $"root help differs from {golden}. If the change is intended, run the tests with {UpdateGoldenVariable}=1 "
            + $"to rewrite the file and review its diff.\n--- expected\n{expected}\n--- actual\n{actual}");
    }

    [Fact]
    public async Task QuestionMark_shows_the_same_help_as_long_option()
    {
        await RunAsync("--help");
        var longHelp = _out.ToString();
        _out.GetStringBuilder().Clear();

        Assert.Equal(0, await RunAsync("-?"));
        Assert.Equal(longHelp, _out.ToString());
    }

    [Fact]
    public async Task ShortH_is_not_help_when_given_at_the_root()
    {
        var exitCode = await RunAsync("-h");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("'-h'", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ShortH_is_host_when_given_to_standby_clone()
    {
        var parse = PgwardApp.BuildRoot(Environment()).Parse(["standby", "clone", "-h", "db1", "--dry-run"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("db1", parse.GetValue<string>("--host"));
    }

    [Fact]
    public async Task NodeCheck_fails_and_says_nagios_needs_one_check_when_no_check_is_chosen()
    {
        var exitCode = await RunAsync("node", "check", "--nagios");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--nagios can only be used with one individual check", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeCheck_fails_when_two_individual_checks_are_given()
    {
        var exitCode = await RunAsync("node", "check", "--role", "--slots");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("give at most one individual check", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterEvent_fails_when_limit_is_zero()
    {
        var exitCode = await RunAsync("cluster", "event", "--limit", "0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--limit must be 1 or more", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_exits_1_naming_file_line_and_key_when_config_has_a_bad_value()
    {
        var path = Config("node_id = 1\npriority = high\n");

        var exitCode = await RunAsync("-f", path, "cluster", "show");

        Assert.Equal(1, exitCode);
        Assert.Contains($"ERROR: {path}:2: \"priority\":", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public async Task Command_exits_1_naming_path_when_config_file_given_with_f_is_missing()
    {
        var path = _dir.File("missing.conf");

        var exitCode = await RunAsync("cluster", "show", "-f", path);

        Assert.Equal(1, exitCode);
        Assert.Contains($"ERROR: {path}: configuration file given with -f does not exist", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_exits_1_saying_it_is_a_directory_when_f_names_a_directory()
    {
        var exitCode = await RunAsync("cluster", "show", "-f", _dir.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains($"ERROR: {_dir.Path}: configuration file given with -f is a directory; give the path of the file itself, "
            + $"e.g. {Path.Combine(_dir.Path, "pgward.conf")}", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_exits_1_naming_file_and_line_and_never_printing_the_password_when_conninfo_spells_PASSWORD()
    {
        var path = Config("node_id = 1\nnode_name = node1\nconninfo = 'host=127.0.0.1 PASSWORD=s3cr3t'\ndata_directory = '/data'\n");

        var exitCode = await RunAsync("-f", path, "node", "status");

        Assert.Equal(1, exitCode);
        Assert.Contains($"ERROR: {path}:3: \"conninfo\": connection keyword \"PASSWORD\" must be written in lower case", _error.ToString(),
            StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", _error.ToString() + _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_reads_config_named_by_PGWARD_CONF_when_no_f_is_given()
    {
        _environment["PGWARD_CONF"] = Config("node_id = 1\npriority = high\n");

        var exitCode = await RunAsync("cluster", "show");

        Assert.Equal(1, exitCode);
        Assert.Contains($"{_environment["PGWARD_CONF"]}:2: \"priority\"", _error.ToString(), StringComparison.Ordinal);
    }
}
