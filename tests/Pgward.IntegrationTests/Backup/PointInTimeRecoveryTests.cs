using System.Globalization;
using Npgsql;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// PITR exactness: a writer commits one row per transaction and notes, for each, its xid, its commit timestamp
/// (track_commit_timestamp: the same value recovery compares a time target with) and the WAL insert position
/// right after its commit, and creates restore points between transactions. Recovery to each kind of target must
/// give a server holding exactly the rows committed up to the target.
/// </summary>
public sealed class PointInTimeRecoveryTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(5);

    private sealed record Commit(int Id, string Xid, DateTime CommittedAt, string LsnAfter);

    [Fact]
    public async Task Recovery_to_time_xid_name_lsn_and_immediate_holds_exactly_the_rows_committed_up_to_the_target()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        await primary.ExecuteAsync(
            "CREATE TABLE t (id int PRIMARY KEY, xid bigint NOT NULL); INSERT INTO t SELECT g, txid_current() FROM generate_series(1, 10) g", Token);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);
        var backupId = await server.CreateDoneBackupAsync(Token);

        var commits = await WriteAsync(primary, rows: 200, Token);
        await server.ArchiveWalAsync(Token);

        string Upto(int lastId, bool inclusive = true) => string.Join(',', Enumerable.Range(1, inclusive ? lastId : lastId - 1));
        var timeTarget = commits.Single(c => c.Id == 60).CommittedAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture);
        var cases = new (string Name, string[] Args, string Expected)[]
        {
            ("time", ["--target-time", timeTarget], string.Join(',', Enumerable.Range(1, 10).Concat(commits.Where(c => c.CommittedAt <= commits.Single(x => x.Id == 60).CommittedAt).Select(c => c.Id)))),
            ("xid", ["--target-xid", commits.Single(c => c.Id == 90).Xid], Upto(90)),
            ("xid-exclusive", ["--target-xid", commits.Single(c => c.Id == 90).Xid, "--exclusive"], Upto(90, inclusive: false)),
            ("name", ["--target-name", "rp_125"], Upto(125)),
            ("lsn", ["--target-lsn", commits.Single(c => c.Id == 150).LsnAfter], Upto(150)),
            ("immediate", ["--target-immediate"], Upto(10)),
        };
        foreach (var (name, args, expected) in cases)
        {
            var rows = await RecoverAsync(server, backupId, name, args);
            Assert.True(expected == rows, $"recovery to {name} ({string.Join(' ', args)}): expected rows {expected}\nbut got {rows}");
        }
    }

    /// <summary>One row per transaction, ids 11 to 10+rows; a restore point rp_ID after every 25th.</summary>
    private static async Task<IReadOnlyList<Commit>> WriteAsync(PgServer primary, int rows, CancellationToken ct)
    {
        var positions = new List<(int Id, string LsnAfter)>();
        await using var connection = new NpgsqlConnection(primary.ConnectionString);
        await connection.OpenAsync(ct);
        for (var id = 11; id < 11 + rows; id++)
        {
            await using (var insert = new NpgsqlCommand($"INSERT INTO t VALUES ({id}, txid_current())", connection))
            {
                await insert.ExecuteNonQueryAsync(ct);
            }
            // After the commit returned, the insert position is past its commit record and before the next one.
            await using (var lsn = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()::text", connection))
            {
                positions.Add((id, (string)(await lsn.ExecuteScalarAsync(ct))!));
            }
            if (id % 25 == 0)
            {
                await using var point = new NpgsqlCommand($"SELECT pg_create_restore_point('rp_{id}')", connection);
                await point.ExecuteNonQueryAsync(ct);
            }
        }

        var commits = new List<Commit>();
        await using var read = new NpgsqlCommand("SELECT id, xid::text, pg_xact_commit_timestamp(xmin) FROM t WHERE id > 10 ORDER BY id", connection);
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt32(0);
            commits.Add(new Commit(id, reader.GetString(1), reader.GetDateTime(2), positions.Single(p => p.Id == id).LsnAfter));
        }
        return commits;
    }

    private async Task<string> RecoverAsync(BackupServerFixture server, string backupId, string name, string[] targetArgs)
    {
        var destination = await PgServer.DataDirectoryFor(Directory, "restored-" + name, Token);
        var recover = await server.RunAsync(Token, ["recover", backupId, destination, .. targetArgs, "--target-action", "promote"]);
        Assert.True(recover.ExitCode == 0, recover.ToString());

        Assert.True(File.Exists(Path.Combine(destination, "recovery.signal")));
        await server.UseApphostRestoreCommandAsync(destination, Token);

        var restored = await PgServer.AdoptAsync(Directory, "restored-" + name, BackupServerFixture.PrimarySettings, Token);
        await restored.StartAsync(Token);
        while (await restored.QueryScalarAsync<bool>("SELECT pg_is_in_recovery()", Token))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Token);
        }
        var rows = await restored.QueryScalarAsync<string>("SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM t", Token);
        await restored.StopAsync(immediate: true, Token);
        return rows;
    }
}
