using Pgward.Cluster.Backups;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// <c>backup recover ID --node NAME</c> in the sandbox: the backup server asks a node's agent to pull a backup from its
/// endpoint into the stopped data directory. The sandbox's hosts are one, but the pull goes over HTTPS as between hosts.
/// </summary>
public sealed class RemoteRecoveryTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Recover_node_restores_a_stopped_standby_which_rejoins_as_a_streaming_standby_and_delta_sends_almost_nothing()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            await using var agents = await SandboxAgents.StartAsync(sandbox, [2], Token, writeToken: false);
            var data = sandbox.DataDirectory(2);
            // Refused while node2 runs: nothing written (the running server changes its own files: compare what a restore writes).
            var autoConfBefore = await File.ReadAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), Token);
            var running = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "latest", "--node", "node2", "--target-immediate");
            Assert.True(running.ExitCode == 1, running.ToString());
            Assert.Contains("PostgreSQL runs in " + data, running.Error, StringComparison.Ordinal);
            Assert.Contains("nothing was written", running.Error, StringComparison.Ordinal);
            Assert.Equal(autoConfBefore, await File.ReadAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), Token));
            Assert.False(File.Exists(Path.Combine(data, "recovery.signal")));

            var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());

            // A wrong token: the agent refuses before anything is read or written.
            var stopped = Listing(data);
            var wrongConfig = Path.Combine(Directory.Path, "wrong-token.conf");
            var text = await File.ReadAllTextAsync(sandbox.BackupConfig, Token);
            await File.WriteAllTextAsync(wrongConfig, System.Text.RegularExpressions.Regex.Replace(text, "(?m)^agent_token *=.*$", "agent_token = 'not-the-token'"), Token);
            File.SetUnixFileMode(wrongConfig, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var wrong = await PgwardProcess.RunAsync(Token, "-f", wrongConfig, "backup", "recover", "latest", "--node", "node2", "--target-immediate");
            Assert.True(wrong.ExitCode != 0, wrong.ToString());
            Assert.Contains("wrong token", wrong.Error, StringComparison.Ordinal);
            Assert.Equal(stopped, Listing(data));

            // An unknown node, and a node the metadata knows no agent of.
            var unknown = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "latest", "--node", "node9");
            Assert.True(unknown.ExitCode == 1, unknown.ToString());
            Assert.Contains("no node named \"node9\" is registered", unknown.Error, StringComparison.Ordinal);
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "UPDATE pgward.nodes SET agent_url = NULL WHERE node_name = 'node2'", Token);
            var agentless = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "latest", "--node", "node2");
            Assert.True(agentless.ExitCode == 1, agentless.ToString());
            Assert.Contains("node node2 has no agent recorded in the metadata", agentless.Error, StringComparison.Ordinal);
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), $"UPDATE pgward.nodes SET agent_url = '{sandbox.AgentUrl(2)}' WHERE node_name = 'node2'", Token);
            Assert.Equal(stopped, Listing(data));

            // The restore itself, over the stopped standby's directory.
            var recover = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "latest", "--node", "node2",
                "--target-immediate", "--target-action", "pause");
            Assert.True(recover.ExitCode == 0, recover.ToString());
            Assert.Contains("node node2: ", recover.Error, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(data, "recovery.signal")));
            Assert.False(File.Exists(Path.Combine(data, "standby.signal")));
            Assert.False(File.Exists(Path.Combine(data, "postmaster.pid")));
            Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(Path.Combine(data, "pg_wal"), "0*"));
            var autoConf = await File.ReadAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), Token);
            Assert.Contains("backup wal-fetch --server https://127.0.0.1:", autoConf, StringComparison.Ordinal);
            Assert.Contains("recovery_target = 'immediate'", autoConf, StringComparison.Ordinal);
            Assert.Contains($"port = '{sandbox.BasePort + 1}'", autoConf, StringComparison.Ordinal);
            Assert.Equal("postgres", await OwnerAsync(Path.Combine(data, "global", "pg_control")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "global", "pg_control")));

            // Delta over the same backup: only what recovery settings changed is fetched again.
            var delta = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "latest", "--node", "node2",
                "--target-immediate", "--target-action", "pause", "--delta");
            Assert.True(delta.ExitCode == 0, delta.ToString());
            var (fetched, total) = Fetched(delta.Error);
            Assert.True(fetched * 100 < total, delta.ToString());

            // The restore_command the agent wrote fetches the backup's WAL from the backup server's endpoint.
            Assert.Contains("backup wal-fetch --server https://127.0.0.1:", await File.ReadAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), Token),
                StringComparison.Ordinal);
            await sandbox.StartServerAsync(2, Token);
            var node2 = sandbox.ConnectionString(2);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(node2, "SELECT pg_is_wal_replay_paused()", Token), Token);
            stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());

            // It rejoins as the standby it was, and streams what the primary wrote meanwhile.
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE after_recover AS SELECT g FROM generate_series(1, 1000) g", Token);
            var rejoin = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "rejoin", "-d", sandbox.Conninfo(1));
            Assert.True(rejoin.ExitCode == 0, rejoin.ToString());
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2,
                "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'", Token) == 1, Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2,
                "SELECT count(*) FROM pg_class WHERE relname = 'after_recover'", Token) == 1, Token);
            Assert.Equal(1000L, await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM after_recover", Token));
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }

    /// <summary>A files backup (read by node1's agent, stored per file with its CRC-32C and, from 1 MiB, a block map) served
    /// to node2's agent: the full restored first, then the incremental over it with --delta, which compares the changed
    /// table (17 MB, one row changed in every eighth page: one page in each 64 KiB block; a block patch over the full's
    /// copy in the backup) page by page and fetches only the changed pages, not the blocks that hold them (page runs:
    /// the blocks would be the whole table). The result is byte for byte what a local restore of the incremental writes,
    /// a second delta fetches almost nothing, and the directory recovers to consistency.</summary>
    [Fact]
    public async Task Recover_node_restores_a_files_backup_and_delta_over_another_fetches_the_changed_pages_exactly()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token, writeToken: false);
            // 226 rows of one integer fill a page: 500,000 rows are 2,213 pages.
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE files_rows AS SELECT g FROM generate_series(1, 500000) g", Token);
            var tableBytes = await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "SELECT pg_relation_size('files_rows')", Token);
            // Frozen: the update's scan below then writes only the pages whose rows it changes.
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "VACUUM (FREEZE) files_rows", Token);
            await File.AppendAllTextAsync(sandbox.BackupConfig, "\nbackup_method = files\n", Token);
            var create = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--wait", "--name", "files-base");
            Assert.True(create.ExitCode == 0, create.ToString());
            var show = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "show", "files-base");
            Assert.Contains("files", show.Out, StringComparison.Ordinal);
            // Row 7 of every eighth page (226 * 8 = 1808): the old versions' pages change, the new ones go to the table's end.
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "UPDATE files_rows SET g = -g WHERE g % 1808 = 7", Token);
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CHECKPOINT", Token);
            var incremental = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--incremental", "--wait", "--name", "files-full");
            Assert.True(incremental.ExitCode == 0, incremental.ToString());
            Assert.Contains("sent as changed blocks over", incremental.Error, StringComparison.Ordinal);

            var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            var recover = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "files-base", "--node", "node2",
                "--target-immediate", "--target-action", "pause");
            Assert.True(recover.ExitCode == 0, recover.ToString());
            var over = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "files-full", "--node", "node2",
                "--target-immediate", "--target-action", "pause", "--delta");
            Assert.True(over.ExitCode == 0, over.ToString());
            var (changed, total) = Fetched(over.Error);
            Assert.True(changed * 10 < total, over.ToString());
            Assert.True(changed < tableBytes / 3, $"{changed} bytes written over a table of {tableBytes} whose every eighth page changed\n{over}");
            var local = Path.Combine(Directory.Path, "local-restore");
            var restore = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "files-full", local,
                "--target-immediate", "--target-action", "pause");
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Assert.Equal(Contents(local), Contents(sandbox.DataDirectory(2)));
            var delta = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "files-full", "--node", "node2",
                "--target-immediate", "--target-action", "pause", "--delta");
            Assert.True(delta.ExitCode == 0, delta.ToString());
            var (fetched, _) = Fetched(delta.Error);
            Assert.True(fetched * 100 < total, delta.ToString());

            // Started, it replays the backup's WAL through wal-fetch and pauses once consistent, with the backup's rows.
            await sandbox.StartServerAsync(2, Token);
            var node2 = sandbox.ConnectionString(2);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(node2, "SELECT pg_is_wal_replay_paused()", Token), Token);
            Assert.Equal(500000L, await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM files_rows", Token));
            Assert.Equal(277L, await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM files_rows WHERE g < 0", Token));
            Assert.Equal(await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "SELECT sum(g) FROM files_rows", Token),
                await Sql.ScalarAsync<long>(node2, "SELECT sum(g) FROM files_rows", Token));
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }

    /// <summary>--delta onto a standby whose table grew since the backup (node2 streamed 100,000 more rows before it
    /// stopped): the table's file is compared over the pages both copies hold and cut to the backup's length, not
    /// fetched whole; then the newer backup over that, which extends it again and fetches only the pages past its end.
    /// The standby's pages match the primary's masked (<see cref="PageMask"/>: replay wrote other command ids, and the
    /// primary's VACUUM set commit hints the standby lacks), so they are kept. Each result is a local restore of the same backup up to those bytes, and it recovers to that backup's
    /// rows.</summary>
    [Fact]
    public async Task Delta_over_a_table_that_grew_or_shrank_since_the_backup_fetches_only_the_pages_past_the_shorter_end()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token, writeToken: false);
            var node1 = sandbox.ConnectionString(1);
            await Sql.ExecuteAsync(node1, "CREATE TABLE grown AS SELECT g, md5(g::text) AS filler FROM generate_series(1, 100000) g", Token);
            // Not frozen: VACUUM sets the rows' commit hints on node1's pages without logging them (pages written since the
            // last checkpoint), so node2's copies lack them, and match the backup's only loosely.
            await Sql.ExecuteAsync(node1, "VACUUM grown", Token);
            var tableBytes = await Sql.ScalarAsync<long>(node1, "SELECT pg_relation_size('grown')", Token);
            const string Rows = "SELECT count(*) || ' ' || sum(g) || ' ' || md5(string_agg(filler, '' ORDER BY g)) FROM grown";
            await File.AppendAllTextAsync(sandbox.BackupConfig, "\nbackup_method = files\n", Token);
            var small = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--wait", "--name", "before-growth");
            Assert.True(small.ExitCode == 0, small.ToString());
            await Sql.ExecuteAsync(node1, "INSERT INTO grown SELECT g, md5(g::text) FROM generate_series(100001, 200000) g", Token);
            await Sql.ExecuteAsync(node1, "VACUUM grown", Token);
            await Sql.ExecuteAsync(node1, "CHECKPOINT", Token);
            var large = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--wait", "--name", "after-growth");
            Assert.True(large.ExitCode == 0, large.ToString());
            var rowsAfterGrowth = await Sql.ScalarAsync<string>(node1, Rows, Token);
            var lsn = await Sql.ScalarAsync<string>(node1, "SELECT pg_current_wal_lsn()::text", Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(sandbox.ConnectionString(2),
                $"SELECT pg_last_wal_replay_lsn() >= '{lsn}'", Token), Token);
            var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());

            // Cut: node2's file is twice the backup's; every page the backup has is the same, so next to nothing comes.
            var cut = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "before-growth", "--node", "node2",
                "--target-immediate", "--target-action", "pause", "--delta");
            Assert.True(cut.ExitCode == 0, cut.ToString());
            var (cutFetched, _) = Fetched(cut.Error);
            Assert.True(cutFetched < tableBytes / 4, $"{cutFetched} bytes fetched to cut a table of {tableBytes} bytes\n{cut}");
            Assert.Equal(MaskedContents(await LocalRestoreAsync("before-growth")), MaskedContents(sandbox.DataDirectory(2)));

            // Extended: the backup's file is twice node2's; the half past node2's end comes, not the half it has.
            var extend = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", "after-growth", "--node", "node2",
                "--target-immediate", "--target-action", "pause", "--delta");
            Assert.True(extend.ExitCode == 0, extend.ToString());
            var (extendFetched, _) = Fetched(extend.Error);
            Assert.True(extendFetched < tableBytes * 3 / 2, $"{extendFetched} bytes fetched to extend a table of {tableBytes} bytes to twice that\n{extend}");
            Assert.Equal(MaskedContents(await LocalRestoreAsync("after-growth")), MaskedContents(sandbox.DataDirectory(2)));

            await sandbox.StartServerAsync(2, Token);
            var node2 = sandbox.ConnectionString(2);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(node2, "SELECT pg_is_wal_replay_paused()", Token), Token);
            Assert.Equal(rowsAfterGrowth, await Sql.ScalarAsync<string>(node2, Rows, Token));
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
        }

        async Task<string> LocalRestoreAsync(string backup)
        {
            var local = Path.Combine(Directory.Path, "local-" + backup);
            var restore = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "recover", backup, local,
                "--target-immediate", "--target-action", "pause");
            Assert.True(restore.ExitCode == 0, restore.ToString());
            return local;
        }
    }

    [Fact]
    public async Task Clone_from_backup_restores_the_newest_backup_and_the_standby_streams_from_the_primary()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE before_clone AS SELECT g FROM generate_series(1, 500) g", Token);

            var clone = await PgwardProcess.RunAsync(Token, "-f", sandbox.Config(2), "standby", "clone", "-h", "127.0.0.1", "-p", $"{sandbox.BasePort}",
                "--from-backup", "--backup-server", "backup", "--force");
            Assert.True(clone.ExitCode == 0, clone.ToString());
            Assert.Contains("standby clone (using a backup and the WAL archive) complete", clone.Error, StringComparison.Ordinal);
            var data = sandbox.DataDirectory(2);
            Assert.True(File.Exists(Path.Combine(data, "standby.signal")));
            var autoConf = await File.ReadAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), Token);
            Assert.Contains("primary_conninfo = ", autoConf, StringComparison.Ordinal);
            Assert.Contains("backup wal-fetch --server https://127.0.0.1:", autoConf, StringComparison.Ordinal);

            await sandbox.StartServerAsync(2, Token);
            var node2 = sandbox.ConnectionString(2);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2,
                "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'", Token) == 1, Token);
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE after_clone AS SELECT g FROM generate_series(1, 700) g", Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2,
                "SELECT count(*) FROM pg_class WHERE relname = 'after_clone'", Token) == 1, Token);
            Assert.Equal(500L, await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM before_clone", Token));
            Assert.Equal(700L, await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM after_clone", Token));

            // A backup server that is not registered: a clear error.
            var unknown = await PgwardProcess.RunAsync(Token, "-f", sandbox.Config(2), "standby", "clone", "-h", "127.0.0.1", "-p", $"{sandbox.BasePort}",
                "--from-backup", "--backup-server", "elsewhere", "--force");
            Assert.True(unknown.ExitCode != 0, unknown.ToString());
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }

    /// <summary><c>standby clone --from-backup</c> when the newest backup is an incremental whose changed table is a block
    /// patch over the full's copy: the endpoint rebuilds it through the chain, and the standby has the incremental's rows.</summary>
    [Fact]
    public async Task Clone_from_backup_restores_an_incremental_whose_changed_table_is_a_block_patch()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, backup: true);
        try
        {
            await using var agents = await SandboxAgents.StartAsync(sandbox, [1], Token, writeToken: false);
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE patched_rows AS SELECT g FROM generate_series(1, 50000) g", Token);
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "VACUUM (FREEZE) patched_rows", Token);
            await File.AppendAllTextAsync(sandbox.BackupConfig, "\nbackup_method = files\n", Token);
            var full = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--wait");
            Assert.True(full.ExitCode == 0, full.ToString());
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "UPDATE patched_rows SET g = -g WHERE g IN (11, 30000)", Token);
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CHECKPOINT", Token);
            var incremental = await PgwardProcess.RunAsync(Token, "-f", sandbox.BackupConfig, "backup", "create", "--incremental", "--wait");
            Assert.True(incremental.ExitCode == 0, incremental.ToString());
            Assert.Contains("sent as changed blocks over", incremental.Error, StringComparison.Ordinal);
            // Written after the backup: the standby has it once it streams, not from the backup.
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), "UPDATE patched_rows SET g = -g WHERE g = 12", Token);

            var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            var clone = await PgwardProcess.RunAsync(Token, "-f", sandbox.Config(2), "standby", "clone", "-h", "127.0.0.1", "-p", $"{sandbox.BasePort}",
                "--from-backup", "--backup-server", "backup", "--force");
            Assert.True(clone.ExitCode == 0, clone.ToString());
            Assert.Contains("standby clone (using a backup and the WAL archive) complete", clone.Error, StringComparison.Ordinal);

            await sandbox.StartServerAsync(2, Token);
            var node2 = sandbox.ConnectionString(2);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2,
                "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'", Token) == 1, Token);
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM patched_rows WHERE g = -12", Token) == 1, Token);
            Assert.Equal(50000L, await Sql.ScalarAsync<long>(node2, "SELECT count(*) FROM patched_rows", Token));
            Assert.Equal("-30000,-12,-11", await Sql.ScalarAsync<string>(node2, "SELECT string_agg(g::text, ',' ORDER BY g) FROM patched_rows WHERE g < 0", Token));
        }
        finally
        {
            var down = await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }

    /// <summary>Every file's SHA-256 but the recovery settings (which name the port and the restore_command of where it
    /// was restored): what a restore wrote.</summary>
    internal static List<string> Contents(string directory) =>
        [.. new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Name is not ("postgresql.auto.conf" or "recovery.signal" or "standby.signal"))
            .Select(f => $"{Path.GetRelativePath(directory, f.FullName)} {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f.FullName)))}")
            .Order(StringComparer.Ordinal)];

    /// <summary><see cref="Contents"/>, but a relation's main fork page by page by its loose masked hash
    /// (<see cref="PageMask"/>): what a delta onto a standby, which keeps the standby's copies of the primary's pages,
    /// compares equal.</summary>
    internal static List<string> MaskedContents(string directory) =>
        [.. new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Name is not ("postgresql.auto.conf" or "recovery.signal" or "standby.signal"))
            .Select(f => (Path: Path.GetRelativePath(directory, f.FullName), Bytes: File.ReadAllBytes(f.FullName)))
            .Select(f => $"{f.Path} " + (PageMask.Applies(f.Path) && f.Bytes.Length % PageMask.PageSize == 0
                ? string.Join(",", f.Bytes.Chunk(PageMask.PageSize).Select(p => PageMask.Hashes(p, new byte[PageMask.PageSize]).Loose.ToString("x16")))
                : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(f.Bytes))))
            .Order(StringComparer.Ordinal)];

    /// <summary>Every entry with its size and modification time: what "nothing was written" compares.</summary>
    internal static List<string> Listing(string directory) =>
        [.. new DirectoryInfo(directory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(i => $"{Path.GetRelativePath(directory, i.FullName)} {(i as FileInfo)?.Length} {i.LastWriteTimeUtc:O}")
            .Order(StringComparer.Ordinal)];

    /// <summary>"X of Y written" from the command's report, in bytes.</summary>
    internal static (double Fetched, double Total) Fetched(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"node node2: (?<f>[0-9.]+ [KMGT]?i?B) of (?<t>[0-9.]+ [KMGT]?i?B) written");
        Assert.True(match.Success, output);
        return (Bytes(match.Groups["f"].Value), Bytes(match.Groups["t"].Value));
    }

    private static double Bytes(string size)
    {
        var parts = size.Split(' ');
        var unit = parts[1] switch { "B" => 1d, "KiB" or "kB" or "KB" => 1024d, "MiB" or "MB" => 1 << 20, "GiB" or "GB" => 1 << 30, _ => 1L << 40 };
        return double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * unit;
    }

    private async Task<string> OwnerAsync(string path)
    {
        var env = PgTestEnvironment.Require();
        var stat = await env.Runner.RunAsync(new Pgward.Core.Processes.ProcessRequest("stat", ["-c", "%U", path]), Token);
        return stat.StandardOutput.Trim();
    }
}
