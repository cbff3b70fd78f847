using Microsoft.Win32.SafeHandles;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>
/// Writes streamed WAL of one timeline into <c>streaming/&lt;segment&gt;.partial</c> (and a copy in memory), and
/// archives each segment once it is complete: fsync, compress, archive (temp file, fsync, rename), then delete the
/// .partial. <see cref="Flushed"/> only ever names WAL that is on disk, so it is what may be reported to the server.
/// Appends and flushes are serialized: the session's flusher runs beside the stream. Each segment archived whole is
/// offered to <paramref name="summaries"/>, when given, to be summarised beside the stream.
/// </summary>
public sealed class SegmentWriter(WalArchive archive, uint timeline, Lsn start, SegmentSummaries? summaries = null) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly long _segmentSize = archive.SegmentSize;
    private readonly byte[] _buffer = new byte[archive.SegmentSize];
    private SafeFileHandle? _file;
    private WalSegment _segment = WalSegment.Containing(timeline, start, archive.SegmentSize);
    private long _written = (long)start.Value;
    private long _flushed = (long)start.Value;

    public uint Timeline => timeline;

    /// <summary>The end of the WAL received and written (not necessarily on disk yet).</summary>
    public Lsn Written => new((ulong)Interlocked.Read(ref _written));

    /// <summary>The end of the WAL that is on disk: in an fsynced .partial or archived.</summary>
    public Lsn Flushed => new((ulong)Interlocked.Read(ref _flushed));

    /// <summary>Segments archived so far, in order; the session reports them.</summary>
    public List<(string Name, WalArchiveResult Result)> Archived { get; } = [];

    /// <summary>Adds the WAL at <paramref name="walStart"/>, which must follow what was written before.</summary>
    public async Task AppendAsync(Lsn walStart, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (walStart != Written)
            {
                throw new WalStreamException($"the server sent WAL from {walStart}, but the receiver expected it from {Written}");
            }
            while (!data.IsEmpty)
            {
                var offset = (long)(Written.Value - _segment.Start(_segmentSize).Value);
                var count = (int)Math.Min(data.Length, _segmentSize - offset);
                _file ??= Create(_segment);
                data.Span[..count].CopyTo(_buffer.AsSpan((int)offset));
                RandomAccess.Write(_file, data.Span[..count], offset);
                Interlocked.Add(ref _written, count);
                data = data[count..];
                if (offset + count == _segmentSize)
                {
                    await CompleteAsync(ct);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>fsyncs the .partial; returns the new flushed position.</summary>
    public async Task<Lsn> FlushAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (_file is not null && Written > Flushed)
            {
                var written = Interlocked.Read(ref _written);
                RandomAccess.FlushToDisk(_file);
                Interlocked.Exchange(ref _flushed, written);
            }
            return Flushed;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// At the end of an old timeline: archives the unfinished segment holding the switch point as
    /// <c>&lt;segment&gt;.partial</c> (the rest of it zeros), then removes it from streaming/.
    /// </summary>
    public async Task<WalArchiveResult?> ArchivePartialAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (_file is null)
            {
                return null;
            }
            RandomAccess.FlushToDisk(_file);
            var result = await archive.ArchiveSegmentAsync(_segment, _buffer, partial: true, ct);
            Close(delete: result != WalArchiveResult.Conflict);
            return result;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync();
        try
        {
            if (_file is not null)
            {
                RandomAccess.FlushToDisk(_file);
                Close(delete: false);
            }
        }
        finally
        {
            _lock.Release();
            _lock.Dispose();
        }
    }

    private async Task CompleteAsync(CancellationToken ct)
    {
        RandomAccess.FlushToDisk(_file!);
        var name = _segment.Name(_segmentSize);
        var result = await archive.ArchiveSegmentAsync(_segment, _buffer, partial: false, ct);
        if (result == WalArchiveResult.Conflict)
        {
            // Keep the new copy beside the archived one for the operator; the archive is left as it was.
            var kept = Path.Combine(archive.Layout.ErrorsDirectory, $"{name}.conflict");
            BackupFileModes.CreateDirectory(archive.Layout.ErrorsDirectory);
            await BackupFileModes.WriteAllBytesAsync(kept, _buffer, ct);
            throw new WalStreamException(
                $"WAL segment {name} arrived again with content different from the archived copy",
                $"two servers wrote different WAL under one name (a split brain, or another cluster); the new copy is in \"{kept}\"");
        }
        Archived.Add((name, result));
        summaries?.Offer(_segment, _buffer);
        Close(delete: true);
        Interlocked.Exchange(ref _flushed, Interlocked.Read(ref _written));
        _segment = _segment.Next;
        Array.Clear(_buffer);
    }

    private SafeFileHandle Create(WalSegment segment)
    {
        var layout = archive.Layout;
        BackupFileModes.CreateDirectory(layout.StreamingDirectory);
        var path = layout.StreamingPartial(segment.Name(_segmentSize));
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        // Before the first byte of WAL is written: a segment left by an older pgward may have been 0644.
        File.SetUnixFileMode(handle, BackupFileModes.File);
        RandomAccess.SetLength(handle, _segmentSize);
        DurableFile.SyncDirectory(layout.StreamingDirectory);
        // An explicit start position has served its purpose once its segment exists: from now on the .partial says where to resume.
        File.Delete(layout.ResetFile);
        return handle;
    }

    private void Close(bool delete)
    {
        _file?.Dispose();
        _file = null;
        if (delete)
        {
            File.Delete(archive.Layout.StreamingPartial(_segment.Name(_segmentSize)));
        }
    }
}
