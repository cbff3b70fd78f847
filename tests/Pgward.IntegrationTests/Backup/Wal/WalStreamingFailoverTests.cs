using Pgward.Backup.Wal;
using Pgward.Cluster.Timelines;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup.Wal;

public sealed class WalStreamingFailoverTests : PgIntegrationTest
{
    private const long SegmentSize = WalSegment.DefaultSize;

    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Receiver_follows_a_promotion_onto_timeline_2_without_a_missing_segment()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var conninfo = sandbox.Conninfo(1);
        var config = ReceiverRun.WriteConfig(Directory.Path, conninfo);
        await using var receiver = ReceiverRun.Start(config, Token);

        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE t (id int, filler text)", Token);
        var first = await SwitchAsync(config, receiver);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 30000) g", Token);
        var written = await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), "SELECT pg_current_wal_lsn()::text", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(sandbox.ConnectionString(2),
            $"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn", Token), Token);

        await sandbox.KillPostmasterAsync(1, Token);
        var promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote");
        Assert.True(promote.ExitCode == 0, promote.ToString());
        await Sql.ExecuteAsync(sandbox.ConnectionString(2), "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 30000) g", Token);
        var onNewTimeline = await SwitchAsync(config, receiver);
        Assert.StartsWith("00000002", onNewTimeline, StringComparison.Ordinal);

        // The history file says where timeline 1 ended; everything from the first archived segment to there is
        // archived on timeline 1, and timeline 2 from the segment holding the switch point on.
        var archive = receiver.Archive;
        Assert.True(archive.Contains("00000002.history"), receiver.Log);
        var history = TimelineHistory.Parse(await File.ReadAllTextAsync(receiver.Options.Layout.HistoryFile(2), Token));
        var switchPoint = Assert.Single(history).SwitchPoint;
        Assert.True(WalSegment.TryParse(first, SegmentSize, out var firstSegment));
        var switchSegment = WalSegment.Containing(1, switchPoint, SegmentSize);
        // A kill -9 leaves timeline 1 ending inside a segment: its end is archived as .partial, streamed from the new primary.
        Assert.NotEqual(switchSegment.Start(SegmentSize), switchPoint);
        Assert.Empty(await archive.MissingSegmentsAsync(1, firstSegment.Start(SegmentSize),
            switchSegment.Start(SegmentSize) + -1, readContents: true, Token));
        Assert.Contains($"timeline 1 archived up to its switch point {switchPoint}", receiver.Log, StringComparison.Ordinal);

        // Timeline 2's first segment begins with timeline 1's WAL up to the switch point, which recovery reads from it.
        var oldEnd = Path.Combine(Directory.Path, "old.partial");
        var newStart = Path.Combine(Directory.Path, "new");
        var partialName = switchSegment.Name(SegmentSize) + ".partial";
        Assert.Equal(WalRestoreResult.Restored, await archive.RestoreAsync(partialName, oldEnd, Token));
        Assert.Equal(WalRestoreResult.Restored, await archive.RestoreAsync((switchSegment with { Timeline = 2 }).Name(SegmentSize), newStart, Token));
        var prefix = (int)(switchPoint - switchSegment.Start(SegmentSize));
        Assert.Equal((await File.ReadAllBytesAsync(oldEnd, Token))[..prefix], (await File.ReadAllBytesAsync(newStart, Token))[..prefix]);

        Assert.True(WalSegment.TryParse(onNewTimeline, SegmentSize, out var lastSegment));
        Assert.Empty(await archive.MissingSegmentsAsync(2, switchSegment.Start(SegmentSize), lastSegment.Start(SegmentSize), readContents: true, Token));

        Assert.Equal("pgward_backup", await Sql.ScalarAsync<string>(sandbox.ConnectionString(2),
            "SELECT slot_name::text FROM pg_replication_slots WHERE slot_name = 'pgward_backup' AND active", Token));
        Assert.False(receiver.Running.IsCompleted, receiver.Log);
        Assert.Contains("created replication slot \"pgward_backup\" on node \"node2\" (ID: 2)", receiver.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receiver_drops_its_slot_left_on_a_standby_and_streams_from_the_primary_found_through_any_node()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(2), "SELECT pg_create_physical_replication_slot('pgward_backup', true)", Token);
        // Configured with the standby's conninfo: the primary is found from the metadata.
        var config = ReceiverRun.WriteConfig(Directory.Path, sandbox.Conninfo(2));
        await using var receiver = ReceiverRun.Start(config, Token);

        await SwitchAsync(config, receiver);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(2), "SELECT count(*) FROM pg_replication_slots", Token));
        Assert.True(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(1),
            "SELECT active FROM pg_replication_slots WHERE slot_name = 'pgward_backup'", Token));
        Assert.Contains("dropped replication slot \"pgward_backup\" on node \"node2\" (ID: 2), now a standby", receiver.Log, StringComparison.Ordinal);
    }

    private async Task<string> SwitchAsync(string config, ReceiverRun receiver)
    {
        var run = await PgwardCli.RunAsync(Token, "-f", config, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
        Assert.True(run.ExitCode == 0, run + "\n" + receiver.Log);
        return run.Error.Split("WAL file ")[1][..24];
    }
}
