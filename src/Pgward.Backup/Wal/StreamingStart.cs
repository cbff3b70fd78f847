namespace Pgward.Backup.Wal;

/// <summary>
/// Where the receiver starts: always at the start of a segment, so every segment file is written whole by one
/// stream (the server keeps the whole segment holding the slot's restart position, so this start is still there).
/// </summary>
public static class StreamingStart
{
    /// <param name="marker">A position set explicitly: by <c>receive-wal --reset</c>, or at the end of an old timeline.</param>
    /// <param name="partial">The segment being received when the receiver stopped (<c>streaming/*.partial</c>).</param>
    /// <param name="latestArchived">The last archived completed segment of the newest timeline (see <see cref="Later"/>).</param>
    /// <param name="slotRestart">The slot's restart position, when the slot exists and has one.</param>
    /// <param name="server">The server's timeline and current WAL position.</param>
    public static StreamPosition Choose(
        StreamPosition? marker, WalSegment? partial, WalSegment? latestArchived, StreamPosition? slotRestart, StreamPosition server, long segmentSize)
    {
        if (marker is not null)
        {
            return Aligned(marker, segmentSize);
        }
        if (partial is { } p && (latestArchived is not { } l || Later(p, l)))
        {
            return new StreamPosition(p.Timeline, p.Start(segmentSize));
        }
        if (latestArchived is { } last)
        {
            return new StreamPosition(last.Timeline, last.End(segmentSize));
        }
        return Aligned(slotRestart is { Lsn.IsValid: true } ? slotRestart : server, segmentSize);
    }

    /// <summary>
    /// The receiver's progress order: timeline first, then position. Streaming only ever moves to newer timelines, so
    /// a segment of timeline 1 past the switch point (WAL the old primary wrote after the promotion) is behind every
    /// segment of timeline 2, whatever its position.
    /// </summary>
    public static bool Later(WalSegment a, WalSegment b) => a.Timeline != b.Timeline ? a.Timeline > b.Timeline : a.Number > b.Number;

    /// <summary>The newest of <paramref name="segments"/> in progress order.</summary>
    public static WalSegment? Newest(IEnumerable<WalSegment> segments)
    {
        WalSegment? newest = null;
        foreach (var segment in segments)
        {
            if (newest is not { } n || Later(segment, n))
            {
                newest = segment;
            }
        }
        return newest;
    }

    private static StreamPosition Aligned(StreamPosition position, long segmentSize) =>
        position with { Lsn = WalSegment.Containing(position.Timeline, position.Lsn, segmentSize).Start(segmentSize) };
}
