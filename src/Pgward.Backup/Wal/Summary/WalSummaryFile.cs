using System.Buffers.Binary;
using Pgward.Core.Checksums;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// A <see cref="WalBlockSummary"/> as bytes on disk: the summary of the records that begin in one WAL range (the
/// receiver writes one per archived segment), read back by the incrementals that need that range. Little-endian:
/// <code>
/// "PGWSUM01"                        magic and version (8 bytes)
/// u32 timeline, u64 start, u64 end  the range [start, end) of record beginnings summarised, on that timeline
/// u32 n, then n × (u32 tablespace, u32 database)          database directories made, copied or dropped whole
/// u32 n, then n × (u32 tablespace, u32 database, u32 relfile, u8 fork, u8 has_limit, u32 limit,
///                  u32 count, count × u32 block)           each fork's limit and its blocks below it, ascending
/// u32 CRC-32C of every byte before it
/// </code>
/// Pure. A file that does not read back whole (torn, damaged, another range's) is a problem, never a smaller summary:
/// a summary that misses a change would make an incremental backup silently wrong.
/// </summary>
public static class WalSummaryFile
{
    private static readonly byte[] Magic = "PGWSUM01"u8.ToArray();

    private const int HeaderSize = 8 + 4 + 8 + 8;
    private const int ForkSize = 4 + 4 + 4 + 1 + 1 + 4 + 4;

    /// <summary>The bytes of <paramref name="summary"/>, the summary of the records that begin in [<paramref name="start"/>,
    /// <paramref name="end"/>) on <paramref name="timeline"/>, in a fixed order (the same summary, the same bytes).</summary>
    public static byte[] Write(WalBlockSummary summary, uint timeline, Lsn start, Lsn end)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var databases = summary.Databases.Order().ToList();
        var forks = summary.Forks.Select(f => (Fork: f, Changes: summary.Changes(f.File, f.Fork)!))
            .OrderBy(f => f.Fork.File.Tablespace).ThenBy(f => f.Fork.File.Database).ThenBy(f => f.Fork.File.RelFile).ThenBy(f => f.Fork.Fork)
            .ToList();
        var size = HeaderSize + 4 + databases.Count * 8 + 4 + forks.Sum(f => ForkSize + f.Changes.Blocks.Count * 4) + 4;
        var bytes = new byte[size];
        var writer = new SpanWriter(bytes);
        writer.Bytes(Magic);
        writer.UInt32(timeline);
        writer.UInt64(start.Value);
        writer.UInt64(end.Value);
        writer.UInt32((uint)databases.Count);
        foreach (var (tablespace, database) in databases)
        {
            writer.UInt32(tablespace);
            writer.UInt32(database);
        }
        writer.UInt32((uint)forks.Count);
        foreach (var (fork, changes) in forks)
        {
            writer.UInt32(fork.File.Tablespace);
            writer.UInt32(fork.File.Database);
            writer.UInt32(fork.File.RelFile);
            writer.Byte((byte)fork.Fork);
            writer.Byte(changes.Limit is null ? (byte)0 : (byte)1);
            writer.UInt32(changes.Limit ?? 0);
            writer.UInt32((uint)changes.Blocks.Count);
            foreach (var block in changes.Blocks)
            {
                writer.UInt32(block);
            }
        }
        var crc = new Crc32C();
        crc.Append(bytes.AsSpan(0, writer.Position));
        writer.UInt32(crc.Value);
        return bytes;
    }

    /// <summary>The summary <paramref name="bytes"/> hold, or the problem when they are not a whole summary of
    /// [<paramref name="start"/>, <paramref name="end"/>) on <paramref name="timeline"/>.</summary>
    public static WalSummaryResult Read(ReadOnlySpan<byte> bytes, uint timeline, Lsn start, Lsn end)
    {
        if (bytes.Length < HeaderSize + 4 + 4 + 4 || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            return WalSummaryResult.Failed($"not a pgward WAL summary ({bytes.Length} bytes, no PGWSUM01 header)");
        }
        var crc = new Crc32C();
        crc.Append(bytes[..^4]);
        if (crc.Value != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]))
        {
            return WalSummaryResult.Failed("its CRC-32C does not match: the file is damaged");
        }
        var reader = new SpanReader(bytes[..^4]);
        reader.Skip(Magic.Length);
        var (fileTimeline, fileStart, fileEnd) = (reader.UInt32(), new Lsn(reader.UInt64()), new Lsn(reader.UInt64()));
        if (fileTimeline != timeline || fileStart != start || fileEnd != end)
        {
            return WalSummaryResult.Failed($"it summarises timeline {fileTimeline} from {fileStart} to {fileEnd}, not timeline {timeline} from {start} to {end}");
        }
        var summary = new WalBlockSummary();
        var databases = reader.Count(8);
        for (var i = 0; i < databases; i++)
        {
            summary.AddDatabase(reader.UInt32(), reader.UInt32());
        }
        var forks = reader.Count(ForkSize);
        for (var i = 0; i < forks; i++)
        {
            if (!reader.Fits(ForkSize))
            {
                return WalSummaryResult.Failed($"it ends inside fork {i} of {forks}");
            }
            var file = new RelFileId(reader.UInt32(), reader.UInt32(), reader.UInt32());
            var fork = reader.Byte();
            var hasLimit = reader.Byte();
            var limit = reader.UInt32();
            var blocks = reader.Count(4);
            if (fork > (byte)ForkNumber.Init || hasLimit > 1 || !reader.Fits(blocks * 4L))
            {
                return WalSummaryResult.Failed($"fork {i} of {forks} ({file}) is malformed");
            }
            if (hasLimit == 1)
            {
                summary.SetLimit(file, (ForkNumber)fork, limit);
            }
            else if (blocks == 0)
            {
                return WalSummaryResult.Failed($"fork {i} of {forks} ({file}) names neither a limit nor a block");
            }
            for (var b = 0; b < blocks; b++)
            {
                summary.AddBlock(file, (ForkNumber)fork, reader.UInt32());
            }
        }
        return reader.Remaining == 0 && !reader.Overrun
            ? new WalSummaryResult(summary, null)
            : WalSummaryResult.Failed($"its lengths do not add up ({reader.Remaining} bytes left over or missing)");
    }

    private ref struct SpanWriter(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        public int Position { get; private set; }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_bytes[Position..]);
            Position += value.Length;
        }

        public void Byte(byte value) => _bytes[Position++] = value;

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_bytes[Position..], value);
            Position += 4;
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_bytes[Position..], value);
            Position += 8;
        }
    }

    /// <summary>Reads forward; past the end it reads zeros and remembers it overran, so one check at the end catches
    /// every short file.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public bool Overrun { get; private set; }

        public readonly int Remaining => _bytes.Length - _position;

        public readonly bool Fits(long count) => count <= Remaining;

        public void Skip(int count) => _position += count;

        /// <summary>A count of items of <paramref name="itemSize"/> bytes; one that could not fit in what is left reads
        /// as an overrun.</summary>
        public int Count(int itemSize)
        {
            var count = UInt32();
            if (count > (uint)Math.Max(0, Remaining) / (uint)itemSize)
            {
                Overrun = true;
                return 0;
            }
            return (int)count;
        }

        public byte Byte() => Take(1) ? _bytes[_position - 1] : (byte)0;

        public uint UInt32() => Take(4) ? BinaryPrimitives.ReadUInt32LittleEndian(_bytes[(_position - 4)..]) : 0;

        public ulong UInt64() => Take(8) ? BinaryPrimitives.ReadUInt64LittleEndian(_bytes[(_position - 8)..]) : 0;

        private bool Take(int count)
        {
            if (count > Remaining)
            {
                Overrun = true;
                _position = _bytes.Length;
                return false;
            }
            _position += count;
            return true;
        }
    }
}
