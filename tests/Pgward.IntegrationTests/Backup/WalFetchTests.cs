using Npgsql;
using Pgward.Backup.Wal;
using Pgward.Cluster.Backups;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary><c>backup wal-fetch</c> against the sandbox's backup server: its HTTPS endpoint, the sandbox's CA and token.</summary>
public sealed class WalFetchTests : PgIntegrationTest
{
    [Fact]
    public async Task Wal_fetch_restores_archived_segments_byte_identical_prefetches_the_next_ones_and_tells_missing_damaged_and_refused_apart()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 1, Token, backup: true);
        try
        {
            var url = await EndpointUrlAsync(sandbox);
            var segments = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                await Sql.ExecuteAsync(sandbox.ConnectionString(1), $"CREATE TABLE fetched_{i} AS SELECT g FROM generate_series(1, 20000) g", Token);
                segments.Add(await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), "SELECT pg_walfile_name(pg_switch_wal())", Token));
            }
            var archived = await PgwardCli.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
            Assert.True(archived.ExitCode == 0, archived.ToString());
            // pg_wal still holds them (the backup server's slot kept them until now): what the archive must give back.
            var originals = segments.ToDictionary(s => s, s => File.ReadAllBytes(Path.Combine(sandbox.DataDirectory(1), "pg_wal", s)));

            var spool = Subdirectory("spool");
            var config = NodeConfig(sandbox, "fetch.conf", $"wal_fetch_parallel = 4\nwal_fetch_spool_directory = '{spool}'\n");
            var target = Subdirectory("target");

            var first = await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-fetch", "--server", url, segments[0], Path.Combine(target, "RECOVERYXLOG"));
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Equal(originals[segments[0]], await File.ReadAllBytesAsync(Path.Combine(target, "RECOVERYXLOG"), Token));
            // The next three of the timeline wait in the spool, 0600.
            Assert.Equal(segments[1..4], System.IO.Directory.GetFiles(spool).Select(Path.GetFileName).Order());
            Assert.All(System.IO.Directory.GetFiles(spool), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));

            // The next call takes its segment from the spool: it does not even need a reachable backup server.
            var spooled = await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-fetch", "--server", "https://127.0.0.1:1",
                segments[1], Path.Combine(target, "RECOVERYXLOG"));
            Assert.True(spooled.ExitCode == 0, spooled.ToString());
            Assert.Equal(originals[segments[1]], await File.ReadAllBytesAsync(Path.Combine(target, "RECOVERYXLOG"), Token));
            Assert.Equal(segments[2..4], System.IO.Directory.GetFiles(spool).Select(Path.GetFileName).Order());

            // Asked for a later one, the spool drops what replay has passed and fetches ahead from there.
            var later = await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-fetch", "--server", url, segments[4], Path.Combine(target, "later"));
            Assert.True(later.ExitCode == 0, later.ToString());
            Assert.Equal(originals[segments[4]], await File.ReadAllBytesAsync(Path.Combine(target, "later"), Token));
            Assert.DoesNotContain(System.IO.Directory.GetFiles(spool).Select(Path.GetFileName), n => string.CompareOrdinal(n, segments[4]) <= 0);

            // Not archived: 1, the end of the WAL, and nothing written.
            var missing = await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-fetch", "--server", url, "0000000100000000000000FE", Path.Combine(target, "missing"));
            Assert.True(missing.ExitCode == WalRestoreExitCodes.Missing, missing.ToString());
            Assert.False(File.Exists(Path.Combine(target, "missing")));
            var history = await PgwardCli.RunAsync(Token, "-f", config, "backup", "wal-fetch", "--server", url, "00000009.history", Path.Combine(target, "missing"));
            Assert.True(history.ExitCode == WalRestoreExitCodes.Missing, history.ToString());

            // A wrong token: archive recovery (no standby.signal here) must stop rather than end early; the message says why.
            var stranger = NodeConfig(sandbox, "stranger.conf", "wal_fetch_parallel = 0\n", token: "not-the-token");
            var refused = await PgwardCli.RunAsync(Token, "-f", stranger, "backup", "wal-fetch", "--server", url, segments[2], Path.Combine(target, "refused"));
            Assert.True(refused.ExitCode == WalRestoreExitCodes.Failed, refused.ToString());
            Assert.Contains("wrong token", refused.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-token", refused.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(target, "refused")));
            // Nobody listening: the same for archive recovery.
            var unreachable = await PgwardCli.RunAsync(Token, "-f", stranger, "backup", "wal-fetch", "--server", "https://127.0.0.1:1", segments[2], Path.Combine(target, "refused"));
            Assert.True(unreachable.ExitCode == WalRestoreExitCodes.Failed, unreachable.ToString());

            // A hole (missing although later segments of its timeline are archived) stops recovery: 200, with the reason.
            var direct = NodeConfig(sandbox, "direct.conf", "wal_fetch_parallel = 0\n");
            File.Delete(System.IO.Directory.GetFiles(Path.Combine(sandbox.Directory, "backup"), segments[3] + ".zst", SearchOption.AllDirectories).Single());
            var hole = await PgwardCli.RunAsync(Token, "-f", direct, "backup", "wal-fetch", "--server", url, segments[3], Path.Combine(target, "hole"));
            Assert.True(hole.ExitCode == WalRestoreExitCodes.Damaged, hole.ToString());
            Assert.Contains("later segments of timeline 1 are archived", hole.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(target, "hole")));
        }
        finally
        {
            await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
        }
    }

    /// <summary>The backup server's endpoint as the cluster metadata names it.</summary>
    internal static async Task<string> EndpointUrlAsync(Sandbox sandbox)
    {
        await using var connection = new NpgsqlConnection(sandbox.ConnectionString(1));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var (url, problem) = await BackupEndpoints.FindAsync(connection, null, TestContext.Current.CancellationToken);
        Assert.True(url is not null, problem);
        return url;
    }

    private string Subdirectory(string name) => System.IO.Directory.CreateDirectory(Path.Combine(Directory.Path, name)).FullName;

    /// <summary>Node 1's pgward.conf with other settings first (the root section), in the test directory.</summary>
    private string NodeConfig(Sandbox sandbox, string name, string settings, string? token = null)
    {
        var text = File.ReadAllText(sandbox.Config(1));
        if (token is not null)
        {
            text = string.Join('\n', text.Split('\n').Select(l => l.StartsWith("agent_token", StringComparison.Ordinal) ? $"agent_token = '{token}'" : l));
        }
        var path = Path.Combine(Directory.Path, name);
        File.WriteAllText(path, settings + text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
