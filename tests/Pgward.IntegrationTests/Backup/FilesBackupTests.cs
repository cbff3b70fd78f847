using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// Files backups read by the node's agent (<c>backup_method = files</c>, <c>reuse_backup = link</c>): an incremental
/// after a small change stores only that change (unchanged files linked, a few rows of a large table as a block patch)
/// and recovers exactly; a damaged middle link of a patch chain is named by verify and check for every backup over it;
/// a backup that patches lie over is not deleted.
/// </summary>
public sealed partial class FilesBackupTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Incremental_after_a_small_change_stores_only_that_change_and_recovers_exactly_to_a_later_restore_point()
    {
        var (sandbox, agents, server) = await SetUpAsync();
        await using var _ = agents;
        var big = await RelationFileAsync(sandbox, "big");
        var full = await server.CreateDoneBackupAsync(Token);
        var fullInfo = Info(server, full);
        Assert.Equal("files", fullInfo["method"]);
        Assert.False(fullInfo.ContainsKey("parent_backup_id"));

        Assert.True(File.Exists(StoredMap(server, full, big)), "the full backup keeps the big table's block map");
        // A small change, written to the data files by a checkpoint: rows of t, and two rows of the big table.
        await Sql.ExecuteAsync(sandbox.ConnectionString(1),
            "INSERT INTO t SELECT g FROM generate_series(11, 15) g; UPDATE big SET filler = 'changed' WHERE g IN (1, 150000); CHECKPOINT", Token);
        var create = await server.RunAsync(Token, "create");
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains($"starting incremental (from {full}) files backup", create.Error, StringComparison.Ordinal);
        await server.ArchiveWalAsync(Token);
        var incremental = (await server.RunAsync(Token, "list")).Out.Split('\n')[0].Split(' ')[0];
        var info = Info(server, incremental);
        Assert.Equal(full, info["parent_backup_id"]);
        var fullSize = long.Parse(fullInfo["size"], System.Globalization.CultureInfo.InvariantCulture);
        var ownSize = long.Parse(info["size"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(fullSize > 8 << 20, $"the full backup stored {fullSize} bytes");
        Assert.True(ownSize < fullSize / 10, $"the incremental stored {ownSize} bytes of its own, the full {fullSize}\n{create}");
        // The big table (several MiB) is stored as the few blocks the two updates changed, over the full's copy.
        Assert.False(File.Exists(StoredFile(server, incremental, big)));
        var patch = new FileInfo(StoredPatch(server, incremental, big));
        Assert.True(patch.Exists && patch.Length < 8 * 8192, $"the big table's patch holds {patch.Length} bytes\n{create}");
        Assert.Contains("sent as changed blocks", create.Error, StringComparison.Ordinal);
        Assert.Equal(full, Info(server, incremental)["patch_bases"]);
        // An unchanged file (template1's pg_proc) is the parent's file, linked, not sent again.
        Assert.Equal(2, await LinkCountAsync(StoredFile(server, incremental, "base/1/1255")));

        // One statement per call: statements sent together commit together.
        foreach (var sql in new[]
        {
            "INSERT INTO t VALUES (16)", "UPDATE big SET filler = 'before' WHERE g = 2", "INSERT INTO t VALUES (17)", "SELECT pg_create_restore_point('rp_17')",
            "INSERT INTO t VALUES (18)", "UPDATE big SET filler = 'after' WHERE g = 3", "SELECT pg_switch_wal()",
        })
        {
            await Sql.ExecuteAsync(sandbox.ConnectionString(1), sql, Token);
        }
        await server.ArchiveWalAsync(Token);

        var rows = await RecoverQueryAsync(sandbox, server, incremental, BigRows, "--target-name", "rp_17");
        Assert.Equal(string.Join(',', Enumerable.Range(1, 17)) + $"|200000|changed,before,{Md5(3)},changed", rows);
    }

    [Fact]
    public async Task Damaged_middle_link_of_a_patch_chain_is_named_for_every_backup_over_it_and_a_needed_parent_is_not_deleted()
    {
        var (sandbox, agents, server) = await SetUpAsync();
        await using var _ = agents;
        var big = await RelationFileAsync(sandbox, "big");
        var full = await server.CreateDoneBackupAsync(Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1),
            "INSERT INTO t SELECT g FROM generate_series(11, 15) g; UPDATE big SET filler = 'middle' WHERE g = 1; CHECKPOINT", Token);
        var middle = await server.CreateDoneBackupAsync(Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE u AS SELECT 1 AS x; UPDATE big SET filler = 'newest' WHERE g = 3; CHECKPOINT", Token);
        var newest = await server.CreateDoneBackupAsync(Token);
        Assert.Equal(middle, Info(server, newest)["parent_backup_id"]);
        // A chain: the newest's copy of big lies over the middle's, which lies over the full's.
        Assert.True(File.Exists(StoredPatch(server, middle, big)) && File.Exists(StoredPatch(server, newest, big)));
        Assert.Contains(middle, Info(server, newest)["patch_bases"].Split(','));

        // The full is needed by the middle backup's patch: delete refuses and names it.
        var refused = await server.RunAsync(Token, "delete", full);
        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.Contains($"backup {full} is needed by backup {middle}", refused.Error, StringComparison.Ordinal);
        Assert.True(System.IO.Directory.Exists(server.Layout.Backup(full)));

        // The middle link is damaged: its first record's block number (damage inside a block's bytes shows as a checksum
        // mismatch of the files rebuilt through it, BlockPatchTests; here the newest may have sent that block anew).
        var patchPath = StoredPatch(server, middle, big);
        var original = await File.ReadAllBytesAsync(patchPath, Token);
        var damaged = (byte[])original.Clone();
        damaged[3] ^= 0x40;
        await File.WriteAllBytesAsync(patchPath, damaged, Token);
        var verify = await server.RunAsync(Token, "verify", middle);
        Assert.True(verify.ExitCode == 14, verify.ToString());
        Assert.Contains($"{big} (in pgdata)", verify.Out, StringComparison.Ordinal);
        // check names the backup over it too, before anyone verified that one.
        var check = await server.RunAsync(Token, "check", "--nagios");
        Assert.Contains("PGWARD CRITICAL", check.Out, StringComparison.Ordinal);
        Assert.Contains($"backups intact: FAILED (backup {middle}: backup verify failed: {big}", check.Out, StringComparison.Ordinal);
        Assert.Contains($"also {newest}", check.Out, StringComparison.Ordinal);
        var newestVerify = await server.RunAsync(Token, "verify", newest);
        Assert.True(newestVerify.ExitCode == 14, newestVerify.ToString());
        Assert.Contains($"{big} (in pgdata)", newestVerify.Out, StringComparison.Ordinal);

        // Repaired, the chain verifies and recovers to the newest's rows, through both patches.
        await File.WriteAllBytesAsync(patchPath, original, Token);
        foreach (var id in new[] { middle, newest })
        {
            var again = await server.RunAsync(Token, "verify", id);
            Assert.True(again.ExitCode == 0, again.ToString());
        }
        var rows = await RecoverQueryAsync(sandbox, server, newest, BigRows, "--target-immediate");
        Assert.Equal(string.Join(',', Enumerable.Range(1, 15)) + $"|200000|middle,{Md5(2)},newest,{Md5(150000)}", rows);
        // Newest first, the chain can go.
        foreach (var id in new[] { newest, middle, full })
        {
            var delete = await server.RunAsync(Token, "delete", id);
            Assert.True(delete.ExitCode == 0, delete.ToString());
        }
    }

    /// <summary>Incrementals whose changed large file is compared page by page with the parent's copy by page LSN
    /// (<c>LsnDelta</c>): the pages below the parent's start are kept unhashed; what vacuum did without a new page LSN
    /// (the all-visible flag), a truncation and the pages that grew back, and the rows changed, are all in the backup, two
    /// links deep.</summary>
    [Fact]
    public async Task Incrementals_that_keep_pages_by_their_lsn_recover_the_rows_vacuum_truncation_and_updates_left()
    {
        var (sandbox, agents, server) = await SetUpAsync(dataChecksums: false);
        await using var _ = agents;
        var primary = sandbox.ConnectionString(1);
        var full = await server.CreateDoneBackupAsync(Token);
        Assert.Equal("off", Info(server, full)["data_checksums"]);

        // Rows of the end of big deleted and the table truncated by vacuum, rows added back past the cut, a few updated.
        foreach (var sql in new[]
        {
            "DELETE FROM big WHERE g > 190000", "VACUUM big", "INSERT INTO big SELECT g, 'grown back' FROM generate_series(190001, 191000) g",
            "UPDATE big SET filler = 'first' WHERE g IN (5, 70000, 120000)", "CHECKPOINT",
        })
        {
            await Sql.ExecuteAsync(primary, sql, Token);
        }
        var first = await server.CreateDoneBackupAsync(Token, "--incremental");
        // Vacuum marks the grown-back pages all-visible without a new page LSN (hints are not logged here): their LSN is
        // below the first incremental's start, but their flag is not its copy's.
        foreach (var sql in new[] { "VACUUM big", "UPDATE big SET filler = 'second' WHERE g IN (6, 150000, 190500)", "CHECKPOINT" })
        {
            await Sql.ExecuteAsync(primary, sql, Token);
        }
        var newest = await server.CreateDoneBackupAsync(Token, "--incremental");
        Assert.Equal(first, Info(server, newest)["parent_backup_id"]);
        Assert.Equal(full, Info(server, first)["parent_backup_id"]);
        var verify = await server.RunAsync(Token, "verify", newest);
        Assert.True(verify.ExitCode == 0, verify.ToString());

        const string rows = "SELECT count(*) || ' ' || md5(string_agg(g || ':' || filler, ',' ORDER BY g)) FROM big";
        var expected = await Sql.ScalarAsync<string>(primary, rows, Token);
        Assert.Equal(expected, await RecoverQueryAsync(sandbox, server, newest, rows, "--target-immediate"));
        // A page whose all-visible flag a restore lost while the visibility map kept its bit: vacuum would warn.
        var log = await File.ReadAllTextAsync(Path.Combine(Directory.Path, "restored-" + newest, "server.log"), Token);
        Assert.DoesNotContain("visibility map", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incrementals_that_read_only_the_blocks_the_wal_names_recover_the_rows_vacuum_truncation_and_updates_left()
    {
        var (sandbox, agents, server) = await SetUpAsync(dataChecksums: false, walSummaries: "on");
        await using var _ = agents;
        var primary = sandbox.ConnectionString(1);
        // A receiver streams the WAL into the archive: an incremental finds the WAL up to its own start there.
        var slot = await server.RunAsync(Token, "receive-wal", "--create-slot");
        Assert.True(slot.ExitCode == 0, slot.ToString());
        await using var receiver = Wal.ReceiverRun.Start(server.ConfigFile, Token);
        var full = await CreateStreamedBackupAsync(server, "--full");

        foreach (var sql in new[]
        {
            "DELETE FROM big WHERE g > 190000", "VACUUM big", "INSERT INTO big SELECT g, 'grown back' FROM generate_series(190001, 191000) g",
            // The WAL so far ends its segment: the receiver summarises it as it arrives, and the incremental reads that.
            "UPDATE big SET filler = 'first' WHERE g IN (5, 70000, 120000)", "SELECT pg_switch_wal()", "CREATE TABLE fresh AS SELECT g FROM generate_series(1, 5000) g",
            "CREATE DATABASE copied TEMPLATE template0 STRATEGY FILE_COPY", "CHECKPOINT",
        })
        {
            await Sql.ExecuteAsync(primary, sql, Token);
        }
        var (first, firstRun) = await CreateStreamedBackupAsync(server, "--incremental");
        AssertPlannedFromSummaries(firstRun);
        Assert.Equal(full.Id, Info(server, first)["parent_backup_id"]);
        // Vacuum marks the grown-back pages all-visible (a record naming each page, though no image of it is logged).
        await Sql.ExecuteAsync(primary, "VACUUM big", Token);
        var updated = await Sql.ScalarAsync<string>(primary, "SELECT pg_walfile_name(pg_current_wal_insert_lsn())", Token);
        foreach (var sql in new[] { "UPDATE big SET filler = 'second' WHERE g IN (6, 150000, 190500)", "SELECT pg_switch_wal()", "DELETE FROM fresh WHERE g % 2 = 0", "CHECKPOINT" })
        {
            await Sql.ExecuteAsync(primary, sql, Token);
        }
        // The summary of the segment with those updates goes missing (a receiver that fell behind skips one) once the
        // next segment is archived and summarised (the receiver summarises a segment before it that has none then):
        // the incremental decodes that segment between the summaries before and after it.
        var after = await Sql.ScalarAsync<string>(primary, "SELECT pg_walfile_name(pg_current_wal_insert_lsn())", Token);
        var switched = await server.RunAsync(Token, "switch-wal", "--archive", "--archive-timeout", "60");
        Assert.True(switched.ExitCode == 0, switched.ToString());
        await WaitForSummaryAsync(server, after);
        File.Delete(server.Layout.WalSummary(updated));
        var status = await server.RunAsync(Token, "status");
        Assert.True(status.Out.Contains($"segments archived since backup {first} began; the next incremental decodes the other 1 (the first {updated};", StringComparison.Ordinal),
            status.ToString());
        var (newest, newestRun) = await CreateStreamedBackupAsync(server, "--incremental");
        AssertPlannedFromSummaries(newestRun);
        Assert.Matches(@"segments summarised as they arrived, \d+(\.\d+)? MiB decoded now", newestRun);
        Assert.Equal(first, Info(server, newest)["parent_backup_id"]);
        var verify = await server.RunAsync(Token, "verify", newest);
        Assert.True(verify.ExitCode == 0, verify.ToString());

        const string rows = "SELECT (SELECT count(*) || ' ' || md5(string_agg(g || ':' || filler, ',' ORDER BY g)) FROM big)"
            + " || ' ' || (SELECT count(*) || ' ' || sum(g) FROM fresh)";
        var expected = await Sql.ScalarAsync<string>(primary, rows, Token);
        Assert.Equal(expected, await RecoverQueryAsync(sandbox, server, newest, rows, "--target-immediate"));
        var log = await File.ReadAllTextAsync(Path.Combine(Directory.Path, "restored-" + newest, "server.log"), Token);
        Assert.DoesNotContain("visibility map", log, StringComparison.Ordinal);
    }

    /// <summary>The incremental's changed pages came from the WAL, at least one segment of it summarised by the receiver
    /// as it arrived (the parent's first segment: a backup ends it with a WAL switch, so it is summarised at once).</summary>
    private static void AssertPlannedFromSummaries(string run)
    {
        Assert.Contains("names the changed blocks of", run, StringComparison.Ordinal);
        var stored = StoredSegments().Match(run);
        Assert.True(stored.Success && int.Parse(stored.Groups[1].Value, CultureInfo.InvariantCulture) >= 1, run);
    }

    /// <summary>Waits until the receiver has written its summary of <paramref name="segment"/> (a segment a WAL switch
    /// ended is summarised as soon as it is archived).</summary>
    private async Task WaitForSummaryAsync(BackupServerFixture server, string segment)
    {
        var path = server.Layout.WalSummary(segment);
        for (var i = 0; i < 200 && !File.Exists(path); i++)
        {
            await Task.Delay(50, Token);
        }
        Assert.True(File.Exists(path), $"the receiver wrote no summary of {segment}");
    }

    [GeneratedRegex(@"\((\d+) segments summarised as they arrived")]
    private static partial Regex StoredSegments();

    /// <summary>Takes a backup (<c>-v</c>: its INFO lines too) and waits until the streamed WAL has made it DONE;
    /// returns its id and what it printed.</summary>
    private async Task<(string Id, string Output)> CreateStreamedBackupAsync(BackupServerFixture server, string kind)
    {
        var create = await server.RunAsync(Token, "create", kind, "-v");
        Assert.True(create.ExitCode == 0, create.ToString());
        var switched = await server.RunAsync(Token, "switch-wal", "--archive", "--archive-timeout", "60");
        Assert.True(switched.ExitCode == 0, switched.ToString());
        var list = await server.RunAsync(Token, "list");
        var newest = list.Out.Split('\n')[0];
        Assert.False(newest.Contains("WAITING", StringComparison.Ordinal), list.ToString());
        return (newest.Split(' ')[0], create.Error + create.Out);
    }

    [Fact]
    public async Task Files_backup_of_a_tablespace_is_stored_apart_and_recovers_its_rows_into_a_new_location()
    {
        var (sandbox, agents, server) = await SetUpAsync();
        await using var _ = agents;
        var location = await Directory.CreateSubdirectoryAsync("tablespace", Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), $"CREATE TABLESPACE extra LOCATION '{location}'", Token);
        // t moves into the tablespace, with enough rows for several 64 kB blocks: what RecoverAsync reads back.
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "ALTER TABLE t SET TABLESPACE extra; INSERT INTO t SELECT generate_series(11, 20000); CHECKPOINT", Token);
        var oid = await Sql.ScalarAsync<uint>(sandbox.ConnectionString(1), "SELECT oid FROM pg_tablespace WHERE spcname = 'extra'", Token);
        var relation = await RelationFileAsync(sandbox, "t");
        Assert.StartsWith($"pg_tblspc/{oid}/", relation, StringComparison.Ordinal);

        var backup = await server.CreateDoneBackupAsync(Token);
        Assert.True(File.Exists(StoredFile(server, backup, relation)), relation);
        var verify = await server.RunAsync(Token, "verify", backup);
        Assert.True(verify.ExitCode == 0, verify.ToString());

        var elsewhere = await Directory.CreateSubdirectoryAsync("tablespace-restored", Token);
        var rows = await RecoverAsync(sandbox, server, backup, "--target-immediate", "--tablespace", $"{oid}:{elsewhere}");
        Assert.Equal(string.Join(',', Enumerable.Range(1, 20000)), rows);
        Assert.NotEmpty(System.IO.Directory.EnumerateFiles(elsewhere, "*", SearchOption.AllDirectories));
    }

    /// <param name="dataChecksums">false: the server's data checksums are disabled (pg_checksums) and wal_log_hints turned
    /// off before anything else, so that hint bits, and vacuum's all-visible flag, are not logged.</param>
    /// <param name="walSummaries">The backup server's <c>wal_summaries</c>: <c>on</c> makes its incrementals read the WAL for
    /// the changed pages even of tables as small as these (<c>auto</c> reads the tables when they are under eight times
    /// the WAL).</param>
    private async Task<(Sandbox Sandbox, SandboxAgents Agents, BackupServerFixture Server)> SetUpAsync(bool dataChecksums = true, string walSummaries = "auto")
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 1, Token);
        if (!dataChecksums)
        {
            var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "node", "service", "--action=stop");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            var env = PgTestEnvironment.Require();
            var disable = await env.Runner.RunAsync(env.ToolRequest("pg_checksums", ["--disable", "-D", sandbox.DataDirectory(1)], TimeSpan.FromSeconds(60)), Token);
            Assert.True(disable.Succeeded, disable.Describe());
            // The sandbox logs hints for pg_rewind's sake; a cluster that does neither is what this is about.
            await File.AppendAllTextAsync(Path.Combine(sandbox.DataDirectory(1), "postgresql.auto.conf"), "wal_log_hints = off\n", Token);
            await sandbox.StartServerAsync(1, Token);
        }
        var agents = await SandboxAgents.StartAsync(sandbox, [1], Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1),
            "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10);"
            + "CREATE TABLE big AS SELECT g, md5(g::text) AS filler FROM generate_series(1, 200000) g", Token);
        // Frozen, with its hint bits set: an UPDATE's scan of big then writes only the pages whose rows it changes.
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "VACUUM (FREEZE) big", Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CHECKPOINT", Token);
        var server = await BackupServerFixture.CreateAsync(Directory, sandbox.Conninfo(1), sandbox.ConnectionString(1), sandbox.DataDirectory(1), Token,
            ("backup_method", "files"), ("reuse_backup", "link"), ("slot_name", "pgward_backup"), ("wal_summaries", walSummaries));
        // The backup server calls the agents with the cluster's token, trusting the sandbox's CA: root keys, before [backup].
        var config = await File.ReadAllTextAsync(server.ConfigFile, Token);
        await File.WriteAllTextAsync(server.ConfigFile, $"agent_token = '{SandboxAgents.Token}'\nagent_tls_ca_file = '{sandbox.CaFile}'\n" + config, Token);
        // Files modified within the reuse margin are compared by checksum rather than linked: let it pass.
        await Task.Delay(TimeSpan.FromSeconds(2.5), TimeProvider.System, Token);
        return (sandbox, agents, server);
    }

    private static Dictionary<string, string> Info(BackupServerFixture server, string id) =>
        File.ReadAllLines(Path.Combine(server.Layout.Backup(id), "backup.info"))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static string StoredFile(BackupServerFixture server, string id, string path) =>
        Path.Combine(server.Layout.Backup(id), "data", "pgdata", path + ".lz4");

    private static string StoredPatch(BackupServerFixture server, string id, string path) =>
        Path.Combine(server.Layout.Backup(id), "data", "pgdata", path + ".patch");

    private static string StoredMap(BackupServerFixture server, string id, string path) =>
        Path.Combine(server.Layout.Backup(id), "data", "pgdata", path + ".blocks");

    /// <summary>t's ids, big's row count, and the filler of big's rows 1, 2, 3 and 150000.</summary>
    private const string BigRows = "SELECT (SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM t) || '|' || (SELECT count(*) FROM big) || '|'"
        + " || (SELECT string_agg(filler, ',' ORDER BY g) FROM big WHERE g IN (1, 2, 3, 150000))";

    private static string Md5(int g) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.ASCII.GetBytes(g.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private async Task<string> RelationFileAsync(Sandbox sandbox, string table) =>
        await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), $"SELECT pg_relation_filepath('{table}')", Token);

    private async Task<int> LinkCountAsync(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%h", path]) { RedirectStandardOutput = true })!;
        var output = await stat.StandardOutput.ReadToEndAsync(Token);
        await stat.WaitForExitAsync(Token);
        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Recovers the backup into a new directory, starts it as the postgres user until promoted, and returns t's ids.</summary>
    private Task<string> RecoverAsync(Sandbox sandbox, BackupServerFixture server, string id, params string[] target) =>
        RecoverQueryAsync(sandbox, server, id, "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM t", target);

    /// <summary>Recovers the backup, starts it until promoted, and returns what <paramref name="query"/> gives.</summary>
    private async Task<string> RecoverQueryAsync(Sandbox sandbox, BackupServerFixture server, string id, string query, params string[] target)
    {
        var destination = Path.Combine(Directory.Path, "restored-" + id, "data");
        var recover = await server.RunAsync(Token, ["recover", id, destination, .. target, "--target-action", "promote"]);
        Assert.True(recover.ExitCode == 0, recover.ToString());
        await server.UseApphostRestoreCommandAsync(destination, Token);
        var env = PgTestEnvironment.Require();
        var port = FreePort.Next();
        ServerRegistry.Track(destination);
        var log = Path.Combine(Path.GetDirectoryName(destination)!, "server.log");
        var start = await env.Runner.RunAsync(env.ToolRequest("pg_ctl",
            ["-D", destination, "-l", log, "-o", $"-p {port} -k {Path.GetDirectoryName(destination)}", "-w", "-t", "60", "start"], TimeSpan.FromSeconds(90)), Token);
        Assert.True(start.Succeeded, start.Describe() + "\n" + (File.Exists(log) ? await File.ReadAllTextAsync(log, Token) : "(no log)"));
        try
        {
            var connection = sandbox.ConnectionString(port, "pgward");
            await Sql.WaitUntilAsync(async () => !await Sql.ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()", Token), Token);
            // Vacuum reads every page and warns in the server's log of a page whose all-visible flag the visibility map contradicts.
            await Sql.ExecuteAsync(connection, "VACUUM (DISABLE_PAGE_SKIPPING)", Token);
            return await Sql.ScalarAsync<string>(connection, query, Token);
        }
        finally
        {
            await ServerRegistry.StopAsync(destination, Pgward.Core.Postgres.ShutdownMode.Immediate, Token);
        }
    }
}
