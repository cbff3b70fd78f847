using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// The pages of consecutive WAL segments, taken from the caller's sequence one segment at a time and only forward: a
/// reader never goes back to an earlier segment (a record that spans segments is copied out as it is read), so a
/// caller can load each segment only when it is needed.
/// </summary>
internal sealed class WalSegmentCursor(IEnumerable<ReadOnlyMemory<byte>> segments, ulong firstSegmentStart, int segmentSize) : IDisposable
{
    private readonly IEnumerator<ReadOnlyMemory<byte>> _segments = segments.GetEnumerator();
    private long _index = -1;
    private ReadOnlyMemory<byte> _current;
    private bool _exhausted;

    /// <summary>The bytes of the page at <paramref name="pageLsn"/> that were given: the whole page, fewer when it is in
    /// a last segment given short, none when its segment was not given.</summary>
    public ReadOnlyMemory<byte> Page(ulong pageLsn)
    {
        var index = pageLsn < firstSegmentStart ? -1 : (long)((pageLsn - firstSegmentStart) / (ulong)segmentSize);
        if (index < Math.Max(_index, 0))
        {
            throw new InvalidOperationException($"WAL at {new Lsn(pageLsn)} was asked for after a later segment");
        }
        while (_index < index && !_exhausted)
        {
            _exhausted = !_segments.MoveNext();
            _current = _exhausted ? ReadOnlyMemory<byte>.Empty : _segments.Current;
            _index++;
            if (_current.Length > segmentSize)
            {
                throw new ArgumentException(
                    $"the segment at {new Lsn(firstSegmentStart + (ulong)_index * (ulong)segmentSize)} was given with {_current.Length} bytes, more than a segment's {segmentSize}",
                    nameof(segments));
            }
        }
        if (_exhausted)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        var offset = (int)(pageLsn % (ulong)segmentSize);
        var available = Math.Clamp(_current.Length - offset, 0, WalFormat.PageSize);
        return _current.Slice(Math.Min(offset, _current.Length), available);
    }

    /// <summary>Why WAL at <paramref name="lsn"/> (just asked for through <see cref="Page"/>) is not all there.</summary>
    public string DescribeGap(ulong lsn)
    {
        var segmentStart = new Lsn(lsn - lsn % (ulong)segmentSize);
        return _exhausted
            ? $"no segment was given for {segmentStart} on"
            : $"the segment at {segmentStart} was given with only {_current.Length} of its {segmentSize} bytes";
    }

    public void Dispose() => _segments.Dispose();
}
