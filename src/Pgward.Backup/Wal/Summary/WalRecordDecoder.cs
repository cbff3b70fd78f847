namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// Finds a record's block references and main data, as PostgreSQL 15's <c>DecodeXLogRecord</c> does: after the 24-byte
/// header come the block headers (id 0 to 32; an image header, a relation unless <c>BKPBLOCK_SAME_REL</c>, the block
/// number), the origin and top-level xid headers, and the main data header last; then the images and data of the
/// blocks in order; then the main data. The lengths in the headers must add up to exactly what follows them.
/// </summary>
internal static class WalRecordDecoder
{
    /// <summary><c>XLR_MAX_BLOCK_ID</c>.</summary>
    private const byte MaxBlockId = 32;
    private const byte DataShort = 255;
    private const byte DataLong = 254;
    private const byte Origin = 253;
    private const byte TopLevelXid = 252;

    private const byte ForkMask = 0x0F;
    private const byte HasImage = 0x10;
    private const byte HasData = 0x20;
    private const byte SameRelation = 0x80;

    /// <summary><c>BKPIMAGE_HAS_HOLE</c>, and the compression bits (pglz, lz4, zstd): a compressed image with a hole
    /// says how long the hole is, an uncompressed one does not need to.</summary>
    private const byte ImageHasHole = 0x01;
    private const byte ImageCompressed = 0x04 | 0x08 | 0x10;

    private const string RunsPastEnd = "its headers run past its end";

    /// <summary>Decodes <paramref name="record"/>; returns a problem, or null.</summary>
    public static string? Decode(WalRecord record, out DecodedWalRecord decoded)
    {
        var reader = new WalDataReader(record.Bytes.Span[WalRecordHeader.Size..]);
        var blocks = new List<WalBlockReference>();
        decoded = new DecodedWalRecord(record.Lsn, record.Header, blocks, ReadOnlyMemory<byte>.Empty);
        if (ReadHeaders(ref reader, decoded, blocks, out var dataTotal, out var mainLength) is { } problem)
        {
            return problem;
        }
        if (reader.Remaining != dataTotal)
        {
            return decoded.Malformed($"its headers announce {dataTotal} bytes of data, but {reader.Remaining} follow them");
        }
        decoded = decoded with { MainData = record.Bytes[^(int)mainLength..] };
        return null;
    }

    /// <summary>Reads the headers up to the main data header (always the last) or, without main data, until the
    /// bytes left are the data the headers announced (<paramref name="dataTotal"/>).</summary>
    private static string? ReadHeaders(ref WalDataReader reader, DecodedWalRecord record, List<WalBlockReference> blocks,
        out long dataTotal, out uint mainLength)
    {
        dataTotal = 0;
        mainLength = 0;
        var lastBlockId = -1;
        RelFileId? lastFile = null;
        while (reader.Remaining > dataTotal)
        {
            if (!reader.TryByte(out var id))
            {
                return record.Malformed(RunsPastEnd);
            }
            if (id is DataShort or DataLong)
            {
                var read = TryMainDataLength(ref reader, id, out mainLength);
                dataTotal += mainLength;
                return read ? null : record.Malformed(RunsPastEnd);
            }
            var problem = id switch
            {
                Origin => reader.TrySkip(sizeof(ushort)) ? null : record.Malformed(RunsPastEnd),
                TopLevelXid => reader.TrySkip(sizeof(uint)) ? null : record.Malformed(RunsPastEnd),
                <= MaxBlockId when id <= lastBlockId => record.Malformed($"block id {id} comes after block id {lastBlockId}"),
                <= MaxBlockId => ReadBlock(ref reader, record, blocks, ref lastFile, ref dataTotal),
                _ => record.Malformed($"it has a header with id {id}"),
            };
            if (problem is not null)
            {
                return problem;
            }
            lastBlockId = id <= MaxBlockId ? id : lastBlockId;
        }
        return null;
    }

    private static bool TryMainDataLength(ref WalDataReader reader, byte id, out uint length)
    {
        if (id == DataLong)
        {
            return reader.TryUInt32(out length);
        }
        var read = reader.TryByte(out var shortLength);
        length = shortLength;
        return read;
    }

    /// <summary>Reads one <c>XLogRecordBlockHeader</c> (its id already read) and counts the image and data it
    /// announces into <paramref name="dataTotal"/>.</summary>
    private static string? ReadBlock(ref WalDataReader reader, DecodedWalRecord record, List<WalBlockReference> blocks,
        ref RelFileId? lastFile, ref long dataTotal)
    {
        if (!reader.TryByte(out var flags) || !reader.TryUInt16(out var dataLength))
        {
            return record.Malformed(RunsPastEnd);
        }
        if (((flags & HasData) != 0) != (dataLength > 0))
        {
            return record.Malformed($"a block's data length {dataLength} does not fit its flags {flags:X2}");
        }
        dataTotal += dataLength;
        if ((flags & HasImage) != 0)
        {
            if (!reader.TryUInt16(out var imageLength) || !reader.TrySkip(sizeof(ushort)) || !reader.TryByte(out var imageInfo)
                || ((imageInfo & ImageCompressed) != 0 && (imageInfo & ImageHasHole) != 0 && !reader.TrySkip(sizeof(ushort))))
            {
                return record.Malformed(RunsPastEnd);
            }
            dataTotal += imageLength;
        }
        if ((flags & SameRelation) == 0)
        {
            if (!reader.TryRelFileId(out var file))
            {
                return record.Malformed(RunsPastEnd);
            }
            lastFile = file;
        }
        else if (lastFile is null)
        {
            return record.Malformed("its first block says it is in the same relation as the block before");
        }
        if (!reader.TryUInt32(out var block))
        {
            return record.Malformed(RunsPastEnd);
        }
        var fork = flags & ForkMask;
        if (fork > (int)ForkNumber.Init)
        {
            return record.Malformed($"a block is in fork {fork}");
        }
        blocks.Add(new WalBlockReference(lastFile.Value, (ForkNumber)fork, block));
        return null;
    }
}
