using System.Buffers.Binary;
using Pgward.Backup.Wal.Summary;
using Pgward.Core.Checksums;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>Lays out WAL records the way PostgreSQL 15's <c>XLogInsert</c> does: 8 kB pages with headers (long at each
/// segment's start), records 8-byte aligned, split across pages with <c>XLP_FIRST_IS_CONTRECORD</c> and
/// <c>xlp_rem_len</c>, each naming the one before in <c>xl_prev</c> and carrying its CRC-32C.</summary>
internal sealed class TestWal
{
    public const int SegmentSize = 1 << 20;
    public const int PageSize = 8192;
    public const ulong SystemId = 7_300_000_000_000_000_001;

    private byte[] _bytes = [];
    private bool _overwriteNextPage;

    /// <param name="start">Where the first segment starts.</param>
    /// <param name="previous">What the first record's <c>xl_prev</c> names (a record in an earlier segment).</param>
    public TestWal(ulong start = 16 * SegmentSize, ulong? previous = null)
    {
        Start = start;
        Position = start;
        Previous = previous ?? start - 0x100;
    }

    public ulong Start { get; }

    /// <summary>Where writing goes on: where the next record begins, or the page boundary before its header.</summary>
    public ulong Position { get; private set; }

    /// <summary>The last record appended.</summary>
    public ulong Previous { get; private set; }

    public uint Timeline { get; set; } = 1;

    public ulong Append(TestRecord record) => Append(record.ResourceManager, record.Info, record.Body());

    /// <summary>Appends a record with <paramref name="body"/> after its 24-byte header; returns its LSN.</summary>
    public ulong Append(ResourceManager resourceManager, byte info, byte[] body)
    {
        StartPageIfAtBoundary(continuing: 0);
        var lsn = Position;
        var record = new byte[24 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)record.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), 700);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), Previous);
        record[16] = info;
        record[17] = (byte)resourceManager;
        body.CopyTo(record, 24);
        var crc = new Crc32C();
        crc.Append(record.AsSpan(24));
        crc.Append(record.AsSpan(0, 20));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(20), crc.Value);
        Write(record);
        Previous = lsn;
        return lsn;
    }

    /// <summary>Appends <paramref name="record"/> (which must go on past its first page) as a server that crashed
    /// while writing it leaves it: its first page only. Writing goes on at the next page, marked
    /// <c>XLP_FIRST_IS_OVERWRITE_CONTRECORD</c> as recovery marks it, and the next record names the one before.</summary>
    public ulong AppendCutShort(TestRecord record)
    {
        var before = Previous;
        var lsn = Append(record);
        var cut = lsn - lsn % PageSize + PageSize;
        if (Position <= cut)
        {
            throw new ArgumentException("the record must go on past its first page", nameof(record));
        }
        Position = cut;
        Previous = before;
        _overwriteNextPage = true;
        return lsn;
    }

    /// <summary>Appends an <c>XLOG_SWITCH</c> and fills the rest of its segment with <paramref name="fill"/>, which
    /// no reader should look at; writing goes on at the next segment.</summary>
    public ulong Switch(byte fill = 0xEE)
    {
        var lsn = Append(ResourceManager.Xlog, 0x40, []);
        var next = (Position + SegmentSize - 1) / SegmentSize * SegmentSize;
        Reserve(next);
        _bytes.AsSpan((int)(Position - Start), (int)(next - Position)).Fill(fill);
        Position = next;
        return lsn;
    }

    /// <summary>Appends one <c>XLOG_NOOP</c> so that the next record begins at <paramref name="target"/> (or just after
    /// the page header there, when it is a page boundary).</summary>
    public void FillUntil(ulong target)
    {
        var distance = StreamDistance(Position, target);
        if (distance == 0)
        {
            return;
        }
        if (distance < 24)
        {
            throw new ArgumentException($"{distance} bytes cannot hold a record", nameof(target));
        }
        var bodyLength = (int)distance - 24;
        var body = bodyLength switch
        {
            0 => [],
            <= 257 => new TestRecord(ResourceManager.Xlog, 0x20).Main(new byte[bodyLength - 2]).Body(),
            _ => new TestRecord(ResourceManager.Xlog, 0x20).Main(new byte[bodyLength - 5]).Body(),
        };
        Append(ResourceManager.Xlog, 0x20, body);
        if (Position != target && Position + (ulong)HeaderSize(Position) != target)
        {
            throw new InvalidOperationException($"filled to {Position:X}, not {target:X}");
        }
    }

    /// <summary>Whole segments up to the one writing stopped in, zeros after what was written, as PostgreSQL
    /// preallocates them.</summary>
    public List<ReadOnlyMemory<byte>> Segments()
    {
        var end = (Position - Start + SegmentSize - 1) / SegmentSize * SegmentSize;
        Reserve(Start + Math.Max(end, SegmentSize));
        return [.. Enumerable.Range(0, (int)(Math.Max(end, SegmentSize) / SegmentSize))
            .Select(i => (ReadOnlyMemory<byte>)_bytes.AsMemory(i * SegmentSize, SegmentSize))];
    }

    /// <summary>Changes one byte of the WAL as written.</summary>
    public void Corrupt(ulong lsn, byte xor = 0x01) => _bytes[(int)(lsn - Start)] ^= xor;

    public void Poke(ulong lsn, ReadOnlySpan<byte> bytes) => bytes.CopyTo(_bytes.AsSpan((int)(lsn - Start)));

    private void Write(byte[] record)
    {
        var written = 0;
        while (written < record.Length)
        {
            StartPageIfAtBoundary(continuing: written > 0 ? record.Length - written : 0);
            var room = PageSize - (int)(Position % PageSize);
            var count = Math.Min(record.Length - written, room);
            Reserve(Position + (ulong)count);
            record.AsSpan(written, count).CopyTo(_bytes.AsSpan((int)(Position - Start)));
            Position += (ulong)count;
            written += count;
        }
        Position = (Position + 7) & ~7UL;
    }

    private void StartPageIfAtBoundary(int continuing)
    {
        if (Position % PageSize != 0)
        {
            return;
        }
        var size = HeaderSize(Position);
        Reserve(Position + (ulong)size);
        var header = _bytes.AsSpan((int)(Position - Start), size);
        var info = (ushort)((size == 40 ? 0x0002 : 0) | (continuing > 0 ? 0x0001 : 0) | (_overwriteNextPage ? 0x0008 : 0));
        _overwriteNextPage = false;
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0xD110);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], info);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Timeline);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], Position);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)continuing);
        if (size == 40)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(header[24..], SystemId);
            BinaryPrimitives.WriteUInt32LittleEndian(header[32..], SegmentSize);
            BinaryPrimitives.WriteUInt32LittleEndian(header[36..], PageSize);
        }
        Position += (ulong)size;
    }

    /// <summary>Bytes of records (page headers left out) from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private ulong StreamDistance(ulong from, ulong to)
    {
        ulong distance = 0;
        for (var position = from; position < to;)
        {
            if (position % PageSize == 0)
            {
                position += (ulong)HeaderSize(position);
                continue;
            }
            var stop = Math.Min(position - position % PageSize + PageSize, to);
            distance += stop - position;
            position = stop;
        }
        return distance;
    }

    private static int HeaderSize(ulong pagePosition) => pagePosition % SegmentSize == 0 ? 40 : 24;

    private void Reserve(ulong end)
    {
        var needed = (long)(end - Start);
        if (_bytes.Length < needed)
        {
            Array.Resize(ref _bytes, (int)((needed + SegmentSize - 1) / SegmentSize * SegmentSize));
        }
    }
}
