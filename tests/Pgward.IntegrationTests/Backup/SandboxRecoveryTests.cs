using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// What a newcomer does after <c>sandbox up</c>: recover the sandbox's first backup into a new directory with the CLI
/// (run as root), start it with pg_ctl as the postgres OS user and query it.
/// </summary>
public sealed class SandboxRecoveryTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Sandbox_backup_recovered_with_target_immediate_starts_as_postgres_and_answers_queries()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show", "--compact");
            Assert.True(show.ExitCode == 0, show.ToString());
            Assert.Contains("Backup servers:", show.Out, StringComparison.Ordinal);
            var backupRow = show.Out.Split('\n').Single(l => l.StartsWith(" backup ", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToList();
            Assert.Equal("* running", backupRow[2]);
            Assert.Matches("^[0-9]{8}T[0-9]{6}$", backupRow[3]);

            // A place the postgres user cannot enter is refused before anything is restored.
            var closed = System.IO.Directory.CreateDirectory(Path.Combine(Directory.Path, "root-only"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var refused = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "latest", Path.Combine(closed.FullName, "data"), "--target-immediate");
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Contains($"cannot recover into {closed.FullName}/data: OS user 'postgres' cannot enter", refused.Error, StringComparison.Ordinal);
            Assert.Empty(closed.EnumerateFileSystemInfos());

            // A directory that does not exist yet, as a user would name one; the CLI runs as root.
            var destination = Path.Combine(Directory.Path, "restore", "data");
            var recover = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "latest", destination, "--target-immediate");
            Assert.True(recover.ExitCode == 0, recover.ToString());
            Assert.Contains("pg_ctl -D " + destination, recover.Error, StringComparison.Ordinal);

            // The sandbox node's own port and socket directory are in the restored settings: a second server needs others.
            var env = PgTestEnvironment.Require();
            var port = FreePort.Next();
            ServerRegistry.Track(destination);
            var start = await env.Runner.RunAsync(env.ToolRequest("pg_ctl",
                ["-D", destination, "-l", Path.Combine(Directory.Path, "restore", "server.log"), "-o", $"-p {port} -k {Path.GetDirectoryName(destination)}",
                 "-w", "-t", "60", "start"], TimeSpan.FromSeconds(90)), Token);
            var log = Path.Combine(Directory.Path, "restore", "server.log");
            Assert.True(start.Succeeded, start.Describe() + "\n" + (File.Exists(log) ? await File.ReadAllTextAsync(log, Token) : "(no log)"));

            var connection = sandbox.ConnectionString(port, "pgward");
            Assert.Equal(2L, await Sql.ScalarAsync<long>(connection, "SELECT count(*) FROM pgward.nodes", Token));
            Assert.Equal(destination, await Sql.ScalarAsync<string>(connection, "SHOW data_directory", Token));
            await ServerRegistry.StopAsync(destination, Pgward.Core.Postgres.ShutdownMode.Immediate, Token);
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }
}
