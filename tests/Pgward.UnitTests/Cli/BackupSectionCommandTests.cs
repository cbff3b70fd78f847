using Pgward.Cli;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Cli;

/// <summary>
/// The <c>backup</c> commands read <c>[backup]</c> with the same rules as the backup daemon (<c>BackupOptions.Bind</c>):
/// before, a second, laxer parser in the CLI took a relative directory, any number, a missing conninfo. Only paths
/// that stop at the configuration: no connection is opened.
/// </summary>
public sealed class BackupSectionCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly StringWriter _out = new() { NewLine = "\n" };
    private readonly StringWriter _error = new() { NewLine = "\n" };

    public void Dispose() => _dir.Dispose();

    private async Task<int> RunAsync(string backupSection, params string[] args)
    {
        var config = _dir.File("pgward.conf");
        await File.WriteAllTextAsync(config, "[backup]\n" + backupSection, TestContext.Current.CancellationToken);
        var environment = new CliEnvironment(_out, _error, _ => null, _dir.Path, TimeProvider.System, IsTerminal: false);
        return await PgwardApp.RunAsync(["-f", config, "backup", .. args], environment, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_relative_backup_directory_is_refused_by_the_commands_as_by_the_daemon()
    {
        var exitCode = await RunAsync("backup_directory = 'relative/backups'\nconninfo = 'host=127.0.0.1'\n", "list");

        Assert.Equal(1, exitCode);
        Assert.Contains("backup_directory", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("expected an absolute path, got \"relative/backups\"", _error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File("relative")));
    }

    [Theory]
    [InlineData("minimum_redundancy = 5000\n", "minimum_redundancy", "expected an integer from 0 to 1000")]
    [InlineData("retention_policy = 'REDUNDANCY 0'\n", "retention_policy", "n at least 1")]
    [InlineData("slot_name = 'Bad-Slot'\n", "slot_name", "a replication slot name")]
    [InlineData("compression = 'gzip'\n", "compression", "the only compression supported")]
    public async Task A_bad_value_is_refused_with_the_daemons_message(string line, string key, string message)
    {
        var exitCode = await RunAsync($"backup_directory = '{_dir.File("b")}'\nconninfo = 'host=127.0.0.1'\n{line}", "list");

        Assert.Equal(1, exitCode);
        Assert.Contains(key, _error.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_conninfo_is_refused_instead_of_taken_from_the_node_settings()
    {
        var exitCode = await RunAsync($"backup_directory = '{_dir.File("b")}'\n", "list");

        Assert.Equal(1, exitCode);
        Assert.Contains("conninfo", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("required setting is missing", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sound_section_lists_an_empty_catalog()
    {
        var exitCode = await RunAsync($"backup_directory = '{_dir.File("b")}'\nconninfo = 'host=127.0.0.1'\nminimum_redundancy = 2\n", "list");

        Assert.True(exitCode == 0, _error.ToString());
    }
}
