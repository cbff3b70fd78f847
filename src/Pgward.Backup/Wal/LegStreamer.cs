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

    // What made the flusher give up; while the stream is live, the receiving side then ends the session with it.
    private Exception? _flushFailure;

    public async Task<SessionEnd> StreamAsync(TimelineLeg leg, CancellationToken ct)
    {
        // Declared first, disposed last: what the writer archived is summarised before the leg ends.
        await using var summaries = SegmentSummaries.For(archive, reporter);
        await using var writer = new SegmentWriter(archive, leg.Timeline, leg.From, summaries);
        using var stopFlusher = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var flusher = FlushLoopAsync(writer, stopReceiving, stopFlusher.Token);
        try
        {
            return await ReceiveAsync(leg, writer, stopReceiving.Token, ct);
        }
        finally
        {
            await stopFlusher.CancelAsync();
            await flusher;
            _written.Dispose();
        }
    }

    /// <param name="receiving">Cancelled by the flusher when it cannot go on while the stream is live.</param>
    private async Task<SessionEnd> ReceiveAsync(TimelineLeg leg, SegmentWriter writer, CancellationToken receiving, CancellationToken ct)
    {
        try
        {
            var from = new NpgsqlLogSequenceNumber(leg.From.Value);
            await foreach (var message in connection.StartReplication(slot, from, receiving, leg.Timeline))
            {
                var length = await ReadAllAsync(message.Data, receiving);
                await writer.AppendAsync(new Lsn((ulong)message.WalStart), _scratch.AsMemory(0, length), receiving);
                WakeFlusher();
                ReportArchived(writer);
                if (leg.Until is { } until && writer.Written >= until)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && _flushFailure is { } failure)
        {
            reporter.Warning($"WAL streaming interrupted at {writer.Written} on timeline {leg.Timeline}: the flush position could not be "
                + $"reported to the server ({failure.GetType().Name}: {failure.Message})");
            return SessionEnd.Disconnected;
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

    /// <summary>fsync and report the flush position: the server may recycle WAL up to it once the slot moves. When this
    /// loop fails while the stream is live, it ends the session at once (<paramref name="stopReceiving"/>) rather than
    /// leave a stream that nobody flushes: a status update that failed lets the receiver connect again; any other fault
    /// (an fsync's) is thrown at the leg's end, as before.</summary>
    private async Task FlushLoopAsync(SegmentWriter writer, CancellationTokenSource stopReceiving, CancellationToken ct)
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
                    if (!await ReportAsync(flushed, ct))
                    {
                        // A no-op once the receiving side has left the stream (whose end may be what broke the update).
                        await stopReceiving.CancelAsync();
                        return;
                    }
                    reported = flushed;
                }
                await Task.Delay(settings.FlushInterval, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch
        {
            await stopReceiving.CancelAsync();
            throw;
        }
    }

    /// <summary>Sends the flush position; false when the connection could not take it.</summary>
    private async Task<bool> ReportAsync(Lsn flushed, CancellationToken ct)
    {
        try
        {
            connection.SetReplicationStatus(new NpgsqlLogSequenceNumber(flushed.Value));
            await connection.SendStatusUpdate(ct);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or ObjectDisposedException
            or NpgsqlException or IOException or TimeoutException && !ct.IsCancellationRequested)
        {
            // Npgsql's replication connection throws any of these from a status update on a connection that the stream's
            // end or break tore down beside it: a NullReferenceException in its SendFeedback once (CI, the primary killed
            // mid-stream in WalStreamingHistoryTests), when only InvalidOperationException was caught here and the
            // receiver died of it. After the stream's end, that says nothing about the WAL streamed.
            _flushFailure ??= e;
            return false;
        }
    }
}
