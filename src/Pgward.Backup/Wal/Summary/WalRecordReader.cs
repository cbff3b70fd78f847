using System.Buffers.Binary;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// Reads the records of consecutive WAL segments one after another, as PostgreSQL's <c>xlogreader.c</c> does, until
/// the first that would begin at or after <c>to</c>: page headers checked and taken out, records that span pages and
/// segments put back together, their headers and CRCs checked. It never asks for a page it does not need, so WAL given
/// up to <c>to</c> is enough even when <c>to</c> falls in a page header or in the padding after a segment switch.
/// </summary>
internal sealed class WalRecordReader(WalSegmentCursor segments, int segmentSize, ulong to)
{
    /// <summary>Where the next record begins, or the page boundary whose header comes before it.</summary>
    private ulong _next;

    /// <summary>The last record read, which the next one's <c>xl_prev</c> must name; null before the first.</summary>
    private ulong? _previous;

    /// <summary>The newest page's timeline: pages never go back to an older one.</summary>
    private uint _timeline;

    private ulong? _systemId;

    /// <summary>Where a record that spans pages is put back together; reused from record to record.</summary>
    private byte[] _assembly = [];

    /// <summary>The record that was not complete in the WAL given, when that is what <see cref="TryRead"/> failed on:
    /// it begins before <c>to</c> and goes on past the bytes given. Null after any other problem.</summary>
    public ulong? IncompleteAt { get; private set; }

    /// <summary>Goes to <paramref name="record"/>, where a record is known to begin (one that was not complete in the
    /// WAL given before); its <c>xl_prev</c> is not checked.</summary>
    public void StartAt(ulong record) => _next = record;

    /// <summary>Goes to the first record that begins in the first segment: past the page header and past the rest of
    /// a record begun in the segment before. Returns a problem, or null.</summary>
    public string? Start(ulong firstSegmentStart)
    {
        for (var page = firstSegmentStart; ; page += WalFormat.PageSize)
        {
            _next = page;
            if (NothingBeginsBeforeTo(page))
            {
                return null;
            }
            if (ReadPageHeader(page, page, out var header, out _) is { } problem)
            {
                return problem;
            }
            var rest = header.IsContinuation ? WalFormat.AlignUp(header.RemainingLength) : 0;
            if (rest < (ulong)(WalFormat.PageSize - header.Size))
            {
                _next = page + (ulong)header.Size + rest;
                return null;
            }
        }
    }

    /// <summary>The next record, or false: with a problem when the records before <c>to</c> cannot all be read, with
    /// none when no record is left that begins before <c>to</c>.</summary>
    public bool TryRead(out WalRecord record, out string? problem)
    {
        record = default;
        while (true)
        {
            problem = FindRecordStart(out var start);
            if (problem is not null || start is not { } lsn)
            {
                return false;
            }
            problem = Assemble(lsn, out var bytes, out var end, out var overwrittenAt);
            if (problem is not null)
            {
                return false;
            }
            if (overwrittenAt is { } page)
            {
                // A crash cut this record short and recovery wrote new WAL where its rest would have been: replay never
                // applied it, so neither does a summary. xlogreader.c starts again at that page the same way.
                _next = page;
                continue;
            }
            problem = Accept(lsn, bytes, end, out record);
            return problem is null;
        }
    }

    /// <summary>Where the next record begins, past the page header when it begins a page; null when that is at or
    /// past <c>to</c>. Returns a problem, or null.</summary>
    private string? FindRecordStart(out ulong? start)
    {
        start = null;
        if (_next % WalFormat.PageSize == 0)
        {
            if (NothingBeginsBeforeTo(_next))
            {
                return null;
            }
            if (ReadPageHeader(_next, _next, out var header, out _) is { } problem)
            {
                return problem;
            }
            if (header.IsContinuation)
            {
                return $"the WAL page at {new Lsn(_next)} begins with the rest of a record, where a new record should begin";
            }
            _next += (ulong)header.Size;
        }
        start = _next < to ? _next : null;
        return null;
    }

    /// <summary>Checks the CRC of the record at <paramref name="start"/> and moves on past it. A problem, or null.</summary>
    private string? Accept(ulong start, ReadOnlyMemory<byte> bytes, ulong end, out WalRecord record)
    {
        record = default;
        var header = WalRecordHeader.Parse(bytes.Span);
        if (!WalRecordHeader.CrcMatches(bytes.Span, header.Crc))
        {
            return $"the record at {new Lsn(start)} fails its CRC check";
        }
        record = new WalRecord(start, end, header, bytes);
        _previous = start;
        _next = WalFormat.AlignUp(end);
        if (header.IsSwitch)
        {
            // The rest of the segment is padding: the next record begins with the next segment.
            _next = (_next + (ulong)segmentSize - 1) / (ulong)segmentSize * (ulong)segmentSize;
        }
        return null;
    }

    /// <summary>The bytes of the record at <paramref name="start"/>, page headers taken out; or, when a page it goes on
    /// to says it was overwritten, that page in <paramref name="overwrittenAt"/>. Returns a problem, or null.</summary>
    private string? Assemble(ulong start, out ReadOnlyMemory<byte> bytes, out ulong end, out ulong? overwrittenAt)
    {
        bytes = default;
        end = start;
        overwrittenAt = null;
        var pageLsn = WalFormat.PageStart(start);
        var offset = (int)(start - pageLsn);
        var page = segments.Page(pageLsn);
        // xl_tot_len comes first and records are aligned: it is always on the record's first page.
        if (page.Length < offset + sizeof(uint))
        {
            return Incomplete(start, pageLsn + (ulong)page.Length);
        }
        var total = BinaryPrimitives.ReadUInt32LittleEndian(page.Span[offset..]);
        if (total == 0)
        {
            return $"the WAL ends at {new Lsn(start)} (no record begins there), before {new Lsn(to)}";
        }
        if (total is < WalRecordHeader.Size or > WalFormat.MaxRecordLength)
        {
            return $"the record at {new Lsn(start)} has invalid length {total}";
        }
        var firstLength = (int)Math.Min(total, (uint)(WalFormat.PageSize - offset));
        if (page.Length < offset + firstLength)
        {
            return Incomplete(start, pageLsn + (ulong)page.Length);
        }
        var first = page.Slice(offset, firstLength);
        if (first.Length >= WalRecordHeader.Size && CheckHeader(first.Span, start) is { } invalid)
        {
            return invalid;
        }
        if (first.Length == total)
        {
            bytes = first;
            end = start + total;
            return null;
        }
        return GatherRest(start, total, first, out bytes, out end, out overwrittenAt);
    }

    /// <summary>Puts a record that goes on past its first page (<paramref name="first"/>) back together from the pages
    /// after it, each of which must say it continues a record and how much of it is left. A problem, or null.</summary>
    private string? GatherRest(ulong start, uint total, ReadOnlyMemory<byte> first, out ReadOnlyMemory<byte> bytes, out ulong end, out ulong? overwrittenAt)
    {
        bytes = default;
        end = start;
        overwrittenAt = null;
        Reserve((uint)first.Length, total);
        first.Span.CopyTo(_assembly);
        var gathered = (uint)first.Length;
        for (var next = WalFormat.PageStart(start) + WalFormat.PageSize; gathered < total; next += WalFormat.PageSize)
        {
            if (ReadPageHeader(next, start, out var header, out var page) is { } problem)
            {
                return problem;
            }
            if (header.IsOverwrite)
            {
                overwrittenAt = next;
                return null;
            }
            if (!header.IsContinuation || header.RemainingLength != total - gathered)
            {
                return $"the record at {new Lsn(start)} has {total - gathered} bytes left at {new Lsn(next)}, but the page there "
                    + (header.IsContinuation ? $"says {header.RemainingLength}" : "does not continue a record");
            }
            var chunk = (int)Math.Min(total - gathered, (uint)(WalFormat.PageSize - header.Size));
            if (page.Length < header.Size + chunk)
            {
                return Incomplete(start, next + (ulong)page.Length);
            }
            Reserve(gathered + (uint)chunk, total);
            page.Span.Slice(header.Size, chunk).CopyTo(_assembly.AsSpan((int)gathered));
            // The header itself may have crossed the page boundary: check it as soon as it is whole.
            if (gathered < WalRecordHeader.Size && gathered + chunk >= WalRecordHeader.Size
                && CheckHeader(_assembly, start) is { } split)
            {
                return split;
            }
            gathered += (uint)chunk;
            end = next + (ulong)header.Size + (ulong)chunk;
        }
        bytes = _assembly.AsMemory(0, (int)total);
        return null;
    }

    private string? CheckHeader(ReadOnlySpan<byte> record, ulong lsn) => WalRecordHeader.Parse(record).Check(lsn, _previous);

    /// <summary>Reads and checks the header of the page at <paramref name="pageLsn"/>, needed to read the record at
    /// <paramref name="neededFor"/> (or, when that is the page itself, to find the next record). A problem, or null.</summary>
    private string? ReadPageHeader(ulong pageLsn, ulong neededFor, out WalPageHeader header, out ReadOnlyMemory<byte> page)
    {
        header = default;
        page = segments.Page(pageLsn);
        if (page.Length < WalPageHeader.ShortSize || page.Length < WalPageHeader.SizeOf(page.Span))
        {
            return neededFor == pageLsn
                ? $"the WAL at {new Lsn(pageLsn)} is needed to read the records that begin before {new Lsn(to)}, but {segments.DescribeGap(pageLsn)}"
                : Incomplete(neededFor, pageLsn + (ulong)page.Length);
        }
        if (WalPageHeader.TryParse(page.Span, pageLsn, segmentSize, out header) is { } problem)
        {
            return problem;
        }
        if (header.Timeline < _timeline)
        {
            return $"the WAL page at {new Lsn(pageLsn)} is on timeline {header.Timeline}, after a page on timeline {_timeline}";
        }
        _timeline = header.Timeline;
        if (header.IsLong)
        {
            if (_systemId is { } systemId && systemId != header.SystemId)
            {
                return $"the WAL segment at {new Lsn(pageLsn)} is from database system {header.SystemId}, not {systemId}";
            }
            _systemId = header.SystemId;
        }
        return null;
    }

    /// <summary>Whether the page at <paramref name="pageBoundary"/> and everything after it is at or past <c>to</c>:
    /// no record begins before the end of a page's header (a long one at a segment's start).</summary>
    private bool NothingBeginsBeforeTo(ulong pageBoundary) =>
        pageBoundary + (ulong)(pageBoundary % (ulong)segmentSize == 0 ? WalPageHeader.LongSize : WalPageHeader.ShortSize) >= to;

    private string Incomplete(ulong record, ulong gap)
    {
        IncompleteAt = record;
        return $"the record at {new Lsn(record)} is not complete in the WAL given: {segments.DescribeGap(gap)}";
    }

    private void Reserve(uint needed, uint total)
    {
        if (_assembly.Length < needed)
        {
            var size = Math.Min(total, Math.Max(needed, Math.Max(2L * _assembly.Length, 2 * WalFormat.PageSize)));
            Array.Resize(ref _assembly, (int)size);
        }
    }
}
