using System.Buffers.Binary;
using Pgward.Core.Checksums;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal.Summary;

/// <summary>The fixed part of a WAL record (<c>XLogRecord</c>, 24 bytes): its length, its transaction, the record
/// before it, what kind it is (<c>xl_info</c>, <c>xl_rmid</c>) and its CRC.</summary>
internal readonly record struct WalRecordHeader(uint TotalLength, ulong Previous, byte Info, byte ResourceManagerId, uint Crc)
{
    public const int Size = 24;

    /// <summary><c>XLR_INFO_MASK</c>: the low bits of <c>xl_info</c> are for the WAL machinery, the high ones for the
    /// resource manager.</summary>
    private const byte GenericInfoMask = 0x0F;

    /// <summary><c>XLR_SPECIAL_REL_UPDATE</c>: the record changes relation files in a way its block references do not
    /// tell (creates, truncates, drops them).</summary>
    private const byte SpecialRelationUpdate = 0x01;

    /// <summary><c>RM_MAX_BUILTIN_ID</c> and <c>RM_MIN_CUSTOM_ID</c>: ids in between are no resource manager.</summary>
    private const byte LastBuiltIn = (byte)Summary.ResourceManager.LogicalMessage;
    private const byte FirstCustom = 128;

    /// <summary><c>XLOG_SWITCH</c>.</summary>
    private const byte Switch = 0x40;

    /// <summary>Where <c>xl_crc</c> is: the CRC covers the header up to it.</summary>
    private const int CrcOffset = 20;

    public ResourceManager ResourceManager => (ResourceManager)ResourceManagerId;

    /// <summary><c>xl_info</c> without the generic bits: which record of its resource manager this is.</summary>
    public byte RecordInfo => (byte)(Info & ~GenericInfoMask);

    public bool UpdatesRelationsSpecially => (Info & SpecialRelationUpdate) != 0;

    /// <summary>An <c>XLOG_SWITCH</c>: the rest of its segment is padding.</summary>
    public bool IsSwitch => ResourceManager == ResourceManager.Xlog && RecordInfo == Switch;

    public static WalRecordHeader Parse(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
        bytes[16],
        bytes[17],
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[CrcOffset..]));

    /// <summary>What PostgreSQL's <c>ValidXLogRecordHeader</c> checks before it trusts a record's length: a problem, or
    /// null. <paramref name="previous"/> is the record read just before, which <c>xl_prev</c> must name; when unknown
    /// (the first record read) it must at least come before.</summary>
    public string? Check(ulong lsn, ulong? previous)
    {
        var at = new Lsn(lsn);
        if (TotalLength < Size)
        {
            return $"the record at {at} has invalid length {TotalLength}";
        }
        if (TotalLength > WalFormat.MaxRecordLength)
        {
            return $"the record at {at} has length {TotalLength}, longer than PostgreSQL can write";
        }
        if (ResourceManagerId is > LastBuiltIn and < FirstCustom)
        {
            return $"the record at {at} names resource manager {ResourceManagerId}, which does not exist";
        }
        if (previous is { } expected ? Previous != expected : Previous >= lsn)
        {
            // A stale record of a recycled segment can look valid but for this link (PostgreSQL's torn-page guard).
            var wanted = previous is { } p ? new Lsn(p).ToString() : $"an LSN before {at}";
            return $"the record at {at} says the record before it is at {new Lsn(Previous)}, not {wanted}";
        }
        return null;
    }

    /// <summary>The CRC-32C PostgreSQL computes: over the record after this header, then over the header up to
    /// <c>xl_crc</c>.</summary>
    public static bool CrcMatches(ReadOnlySpan<byte> record, uint expected)
    {
        var crc = new Crc32C();
        crc.Append(record[Size..]);
        crc.Append(record[..CrcOffset]);
        return crc.Value == expected;
    }
}
