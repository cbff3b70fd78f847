using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary>
/// Streams one <see cref="TimelineLeg"/> through an open replication connection into a <see cref="SegmentWriter"/>,
/// with a flusher beside it that fsyncs and reports the flush position as soon as WAL was written (group commit: WAL
/// arriving during one fsync is covered by the next, at most one per <see cref="WalStreamerSettings.FlushInterval"/>).
/// </summary>
internal sealed class LegStreamer(
    WalArchive archive, PhysicalReplicationConnection connection, PhysicalReplicationSlot slot, IReporter reporter, TimeProvider time, WalStreamerSettings settings)
{
    private readonly SemaphoreSlim _written = new(0, 1);
    private byte[] _scratch = new byte[1 << 20];

    public async Task<SessionEnd> StreamAsync(TimelineLeg leg, CancellationToken ct)
    {
        await using var writer = new SegmentWriter(archive, leg.Timeline, leg.From);
        using var stopFlusher = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var flusher = FlushLoopAsync(writer, stopFlusher.Token);
        try
        {
            return await ReceiveAsync(leg, writer, ct);
        }
        finally
        {
            await stopFlusher.CancelAsync();
            await flusher;
            _written.Dispose();
        }
    }

    private async Task<SessionEnd> ReceiveAsync(TimelineLeg leg, SegmentWriter writer, CancellationToken ct)
    {
        try
        {
            var from = new NpgsqlLogSequenceNumber(leg.From.Value);
            await foreach (var message in connection.StartReplication(slot, from, ct, leg.Timeline))
            {
                var length = await ReadAllAsync(message.Data, ct);
                await writer.AppendAsync(new Lsn((ulong)message.WalStart), _scratch.AsMemory(0, length), ct);
                WakeFlusher();
                ReportArchived(writer);
                if (leg.Until is { } until && writer.Written >= until)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (leg.Until is { } until && writer.Written >= until && e is NpgsqlException or InvalidOperationException)
        {
            // Npgsql does not expect the CopyDone that ends a historic timeline and throws: the end was reached.
        }
        catch (PostgresException e) when (Permanent(e))
        {
            throw new WalStreamException($"the primary refused to stream WAL from {leg.From} on timeline {leg.Timeline}: {e.MessageText}",
                "the WAL the archive needs next is gone from the server (a gap); \"pgward backup receive-wal --reset\" restarts at the "
                + "server's current position, after which a new base backup is needed");
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is NpgsqlException or IOException or TimeoutException)
        {
            reporter.Warning($"WAL streaming interrupted at {writer.Written} on timeline {leg.Timeline}: {e.Message}");
            return SessionEnd.Disconnected;
        }

        if (leg.Until is { } end)
        {
            if (writer.Written < end)
            {
                return SessionEnd.Disconnected;
            }
            if (await writer.ArchivePartialAsync(ct) is { } result)
            {
                reporter.Info($"archived the last, unfinished segment of timeline {leg.Timeline} as .partial ({result})");
            }
            reporter.Notice($"timeline {leg.Timeline} archived up to its switch point {end}");
            return SessionEnd.TimelineEnded;
        }
        return ct.IsCancellationRequested ? SessionEnd.Stopped : SessionEnd.Disconnected;
    }

    private static bool Permanent(PostgresException e) =>
        e.MessageText.Contains("has already been removed", StringComparison.Ordinal)
        || e.MessageText.Contains("ahead of the WAL flush position", StringComparison.Ordinal)
        || e.MessageText.Contains("not in this server's history", StringComparison.Ordinal);

    private async Task<int> ReadAllAsync(Stream data, CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            if (length == _scratch.Length)
            {
                Array.Resize(ref _scratch, _scratch.Length * 2);
            }
            var read = await data.ReadAsync(_scratch.AsMemory(length), ct);
            if (read == 0)
            {
                return length;
            }
            length += read;
        }
    }

    private void ReportArchived(SegmentWriter writer)
    {
        foreach (var (name, result) in writer.Archived)
        {
            reporter.Info(result == WalArchiveResult.Archived ? $"archived WAL segment {name}" : $"WAL segment {name} was already archived");
        }
        writer.Archived.Clear();
    }

    private void WakeFlusher()
    {
        if (_written.CurrentCount == 0)
        {
            try
            {
                _written.Release();
            }
            catch (SemaphoreFullException)
            {
                // The flusher was already woken: the next fsync covers this WAL too.
            }
        }
    }

    /// <summary>fsync and report the flush position: the server may recycle WAL up to it once the slot moves.</summary>
    private async Task FlushLoopAsync(SegmentWriter writer, CancellationToken ct)
    {
        var reported = writer.Flushed;
        try
        {
            while (true)
            {
                await _written.WaitAsync(ct);
                var flushed = await writer.FlushAsync(ct);
                if (flushed > reported)
                {
                    connection.SetReplicationStatus(new NpgsqlLogSequenceNumber(flushed.Value));
                    await connection.SendStatusUpdate(ct);
                    reported = flushed;
                }
                await Task.Delay(settings.FlushInterval, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException)
        {
            // The stream ended between the flush and the status update: nothing left to report on this connection.
        }
    }
}
