using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// Defect 4 of RELIABILITY.md (old-primary-returns:async seed 5): pg_rewind copies the source's configuration files
/// (its port, its pg_hba.conf) before it fails; the re-clone after it kept those copies as the node's own, and the
/// server could not start. Here the real pg_rewind does the copying and only its exit status is a fault: the node's
/// <c>pg_bindir</c> is a directory of links to the PostgreSQL binaries whose <c>pg_rewind</c> runs the real one and
/// then exits 1.
/// </summary>
public sealed class FailedRewindTests : PgIntegrationTest
{
    private const string Marker = "# node1's own copy";

    protected override TimeSpan Deadline => TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Failed_pg_rewind_puts_the_node_s_own_configuration_files_back_before_the_re_clone()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var data1 = sandbox.DataDirectory(1);
        await sandbox.KillPostmasterAsync(1, Token);
        var promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote");
        Assert.True(promote.ExitCode == 0, promote.ToString());
        await Sql.ExecuteAsync(sandbox.ConnectionString(2), "CREATE TABLE rewind_probe (id int); INSERT INTO rewind_probe VALUES (2)", Token);
        // Files pg_rewind would otherwise copy unchanged (the standby was cloned with them) are told apart by a comment.
        foreach (var file in new[] { "postgresql.conf", "pg_hba.conf" })
        {
            await File.AppendAllTextAsync(Path.Combine(data1, file), Marker + "\n", Token);
        }
        var own = ConfigFiles(data1);
        var bin = await FailingRewindBinDirectoryAsync();
        await UseBinDirectoryAsync(sandbox.Config(1), bin);
        var node2 = sandbox.Conninfo(2, connectTimeout: 5);

        var rewind = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "rejoin", "-d", node2, "--force-rewind");

        Assert.True(rewind.ExitCode == ExitCodes.RejoinFailed && rewind.Error.Contains("pg_rewind failed", StringComparison.Ordinal), rewind.ToString());
        // The fault is real: pg_rewind had put node2's settings in node1's data directory before it failed.
        var copied = await File.ReadAllTextAsync(Path.Combine(bin, "copied-by-pg_rewind"), Token);
        Assert.Contains($"port = {sandbox.BasePort + 1}", copied, StringComparison.Ordinal);
        foreach (var (name, contents) in own)
        {
            Assert.True(contents == await File.ReadAllTextAsync(Path.Combine(data1, name), Token),
                $"{name} is not node1's own after the failed pg_rewind");
        }

        var reclone = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "rejoin", "-d", node2, "--reclone");

        Assert.True(reclone.ExitCode == 0, reclone.ToString());
        var node1 = sandbox.ConnectionString(1);
        Assert.Equal(sandbox.BasePort.ToString(CultureInfo.InvariantCulture), await Sql.ScalarAsync<string>(node1, "SHOW port", Token));
        Assert.True(await Sql.ScalarAsync<bool>(node1, "SELECT pg_is_in_recovery()", Token));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(node1, "SELECT count(*) FROM rewind_probe", Token));
        Assert.EndsWith(Marker + "\n", await File.ReadAllTextAsync(Path.Combine(data1, "pg_hba.conf"), Token), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> ConfigFiles(string dataDirectory) =>
        System.IO.Directory.EnumerateFiles(dataDirectory, "*.conf")
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal);

    /// <summary>Links to every PostgreSQL binary but pg_rewind, which runs the real one (a dry run as it is), saves the
    /// copied <c>pgward-node.conf</c> as evidence, and exits 1. In a directory the server account owns: pg_rewind
    /// runs as that account.</summary>
    private async Task<string> FailingRewindBinDirectoryAsync()
    {
        var real = PgTestEnvironment.Require().Binaries.BinDirectory;
        var bin = await Directory.CreateSubdirectoryAsync("failing-rewind-bin", Token);
        foreach (var tool in System.IO.Directory.EnumerateFiles(real).Where(f => Path.GetFileName(f) != "pg_rewind"))
        {
            File.CreateSymbolicLink(Path.Combine(bin, Path.GetFileName(tool)), tool);
        }
        var script = Path.Combine(bin, "pg_rewind");
        await File.WriteAllTextAsync(script, $$"""
            #!/bin/sh
            for arg in "$@"; do
                case "$arg" in
                    --dry-run) exec '{{real}}/pg_rewind' "$@" ;;
                    --target-pgdata=*) target="${arg#--target-pgdata=}" ;;
                esac
            done
            '{{real}}/pg_rewind' "$@" || exit $?
            cp "$target/pgward-node.conf" '{{bin}}/copied-by-pg_rewind'
            exit 1

            """, Token);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return bin;
    }

    private async Task UseBinDirectoryAsync(string config, string bin)
    {
        var text = await File.ReadAllTextAsync(config, Token);
        var replaced = Regex.Replace(text, "^pg_bindir = .*$", "pg_bindir = " + ConfigWriter.Quote(bin), RegexOptions.Multiline);
        Assert.NotEqual(text, replaced);
        await File.WriteAllTextAsync(config, replaced, Token);
    }
}
