using System.Globalization;
using System.Text;
using Npgsql;
using Npgsql.Replication;
using Pgward.Cluster.Timelines;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary>
/// One replication connection of the receiver to the primary: checks the cluster's identity, makes sure the slot
/// exists, archives the timeline history files, works out where to start (<see cref="StreamingStart"/>,
/// <see cref="TimelinePlan"/>) and streams the first leg of the plan.
/// </summary>
internal sealed class ReplicationSession(
    BackupLayout layout, string slotName, DbConnector db, IReporter reporter, TimeProvider time, WalStreamerSettings settings)
{
    public async Task<SessionEnd> RunAsync(PrimaryNode primary, CancellationToken ct)
    {
        await using var connection = new PhysicalReplicationConnection(ConnectionString(primary.Conninfo))
        {
            WalReceiverStatusInterval = settings.StatusInterval,
        };
        await connection.Open(ct);
        var system = await connection.IdentifySystem(ct);
        var segmentSize = ParseSize(await connection.Show("wal_segment_size", ct));
        var identity = new ClusterIdentity(system.SystemId, segmentSize, connection.ServerVersion);
        if (await ClusterIdentity.CheckOrRecordAsync(layout, identity, ct) is { } foreign)
        {
            throw new WalStreamException(foreign, "check \"conninfo\" in the [backup] section: it must reach a node of the cluster this directory backs up");
        }
        var archive = new WalArchive(layout, segmentSize);
        var slot = await EnsureSlotAsync(connection, primary, ct);
        var history = await ArchiveHistoriesAsync(primary, archive, system.Timeline, ct);

        var start = StreamingStart.Choose(
            ReadMarker(), LatestPartial(segmentSize), StreamingStart.Newest(archive.Segments()),
            slot.RestartLsn is { } restart ? new StreamPosition(slot.RestartTimeline ?? system.Timeline, new Lsn((ulong)restart)) : null,
            new StreamPosition(system.Timeline, new Lsn((ulong)system.XLogPos)), segmentSize);
        var plan = TimelinePlan.Make(start, system.Timeline, history, segmentSize);
        if (plan.Problem is { } problem)
        {
            throw new WalStreamException(problem,
                "this happens after a point-in-time recovery of the cluster; take a new base backup after \"pgward backup receive-wal --reset\"");
        }
        foreach (var warning in plan.Warnings)
        {
            reporter.Warning(warning);
        }
        RemoveStalePartials(archive, start);

        var leg = plan.Legs[0];
        reporter.Notice($"streaming WAL from {primary.Name} at {leg.From} on timeline {leg.Timeline}"
            + (leg.Until is { } until ? $" up to its end at {until}" : ""));
        var end = await new LegStreamer(archive, connection, slot, reporter, time, settings).StreamAsync(leg, ct);
        if (end == SessionEnd.TimelineEnded)
        {
            var next = plan.Legs[1];
            await DurableFile.WriteAsync(layout.ResetFile, Encoding.ASCII.GetBytes(new StreamPosition(next.Timeline, next.From).ToFileText()), ct);
        }
        return end;
    }

    private async Task<PhysicalReplicationSlot> EnsureSlotAsync(PhysicalReplicationConnection connection, PrimaryNode primary, CancellationToken ct)
    {
        if (await connection.ReadReplicationSlot(slotName, ct) is { } existing)
        {
            return existing;
        }
        // A physical slot does not follow a failover: after a promotion it has to be made again on the new primary,
        // at once, so that WAL written from now on is kept for the receiver.
        var created = await connection.CreateReplicationSlot(slotName, isTemporary: false, reserveWal: true, ct);
        reporter.Notice($"created replication slot \"{slotName}\" on {primary.Name}");
        return await connection.ReadReplicationSlot(slotName, ct) ?? created;
    }

    /// <summary>Archives the history file of every timeline up to the server's (before any WAL of a new timeline, and
    /// so before the old timeline's last segment is closed); returns the entries of the server's own.</summary>
    /// <remarks>A node cloned after a promotion holds only the history files of the timeline it was cloned on and later
    /// ones (pg_basebackup fetches just the current timeline's): an older one missing on the server is skipped. The
    /// server's own history file lists every earlier switch point, which is all that streaming and recovery need;
    /// without this the receiver stopped for good at the next promotion of such a node (fault suite,
    /// failover-during-backup, mode sync, seed 1).</remarks>
    private async Task<IReadOnlyList<TimelineHistoryEntry>> ArchiveHistoriesAsync(
        PrimaryNode primary, WalArchive archive, uint serverTimeline, CancellationToken ct)
    {
        IReadOnlyList<TimelineHistoryEntry> entries = [];
        for (var timeline = 2u; timeline <= serverTimeline; timeline++)
        {
            var content = await ReadHistoryFileAsync(primary, timeline, ct);
            if (content is null)
            {
                if (timeline == serverTimeline)
                {
                    throw new WalStreamException($"timeline history file {WalFileName.HistoryName(timeline)} of the primary's own timeline is missing on {primary.Name}",
                        "PostgreSQL writes it when it promotes a server: check the primary's pg_wal directory");
                }
                if (!File.Exists(layout.HistoryFile(timeline)))
                {
                    reporter.Info($"timeline history file {WalFileName.HistoryName(timeline)} is not on {primary.Name}: the history file of timeline {serverTimeline} lists its switch point");
                }
                continue;
            }
            var result = await archive.ArchiveHistoryAsync(timeline, content, ct);
            if (result == WalArchiveResult.Conflict)
            {
                throw new WalStreamException(
                    $"timeline history file {WalFileName.HistoryName(timeline)} of the server differs from the archived one",
                    "two promotions chose the same timeline (the cluster was restored or forked); move the backup directory aside and start a new one");
            }
            if (result == WalArchiveResult.Archived)
            {
                reporter.Info($"archived timeline history file {WalFileName.HistoryName(timeline)}");
            }
            if (timeline == serverTimeline)
            {
                entries = TimelineHistory.Parse(Encoding.UTF8.GetString(content));
            }
        }
        return entries;
    }

    /// <summary>
    /// The server's history file of <paramref name="timeline"/>. Not through TIMELINE_HISTORY: PostgreSQL 15 sends its
    /// content column as text and Npgsql 10's <c>TimelineHistory</c> casts it to byte[] and throws. Read from pg_wal
    /// over SQL instead, which needs a superuser or pg_read_server_files. Null when the server has no such file.
    /// </summary>
    private async Task<byte[]?> ReadHistoryFileAsync(PrimaryNode primary, uint timeline, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(primary.Conninfo, ct);
        await using var cmd = new NpgsqlCommand("SELECT pg_read_binary_file('pg_wal/' || $1)", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = WalFileName.HistoryName(timeline) });
        try
        {
            return (byte[])(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedFile)
        {
            return null;
        }
        catch (PostgresException e)
        {
            throw new WalStreamException($"cannot read timeline history file {WalFileName.HistoryName(timeline)} on {primary.Name}: {e.MessageText}",
                "the receiver's user needs to be a superuser or a member of pg_read_server_files");
        }
    }

    private StreamPosition? ReadMarker() =>
        File.Exists(layout.ResetFile) ? StreamPosition.ParseFileText(File.ReadAllText(layout.ResetFile)) : null;

    private WalSegment? LatestPartial(long segmentSize)
    {
        WalSegment? latest = null;
        foreach (var path in Directory.Exists(layout.StreamingDirectory) ? Directory.GetFiles(layout.StreamingDirectory, "*.partial") : [])
        {
            if (WalSegment.TryParse(Path.GetFileNameWithoutExtension(path), segmentSize, out var segment) && (latest is not { } l || StreamingStart.Later(segment, l)))
            {
                latest = segment;
            }
        }
        return latest;
    }

    /// <summary>.partial files other than the one streaming starts in: already archived (a crash between archiving and
    /// deleting) are removed, anything else is moved to errors/ rather than lost.</summary>
    private void RemoveStalePartials(WalArchive archive, StreamPosition start)
    {
        var startName = WalSegment.Containing(start.Timeline, start.Lsn, archive.SegmentSize).Name(archive.SegmentSize);
        foreach (var path in Directory.Exists(layout.StreamingDirectory) ? Directory.GetFiles(layout.StreamingDirectory, "*.partial") : [])
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name == startName)
            {
                continue;
            }
            if (archive.Contains(name))
            {
                File.Delete(path);
                continue;
            }
            BackupFileModes.CreateDirectory(layout.ErrorsDirectory);
            File.Move(path, Path.Combine(layout.ErrorsDirectory, Path.GetFileName(path)), overwrite: true);
            reporter.Warning($"moved \"{path}\" to {layout.ErrorsDirectory}: streaming restarts at {start}");
        }
    }

    private string ConnectionString(string conninfo)
    {
        var builder = new NpgsqlConnectionStringBuilder(Conninfo.Parse(conninfo).ToNpgsqlConnectionString())
        {
            ApplicationName = settings.ApplicationName,
        };
        if (builder.Timeout == new NpgsqlConnectionStringBuilder().Timeout)
        {
            builder.Timeout = (int)DbConnector.DefaultConnectTimeout.TotalSeconds;
        }
        return builder.ConnectionString;
    }

    /// <summary>SHOW wal_segment_size: "16MB", "1GB".</summary>
    internal static long ParseSize(string text)
    {
        var units = new (string Suffix, long Factor)[] { ("GB", 1L << 30), ("MB", 1L << 20), ("kB", 1L << 10) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return long.Parse(text[..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture) * factor;
            }
        }
        return long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
