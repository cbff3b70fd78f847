using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal.Summary;

/// <summary>What a summary needs of a record: its kind, the blocks it touches and its main data (the resource
/// manager's own struct, e.g. <c>xl_smgr_truncate</c>). <see cref="MainData"/> is valid as long as the record's bytes.</summary>
internal sealed record DecodedWalRecord(ulong Lsn, WalRecordHeader Header, IReadOnlyList<WalBlockReference> Blocks, ReadOnlyMemory<byte> MainData)
{
    public ResourceManager ResourceManager => Header.ResourceManager;

    public byte RecordInfo => Header.RecordInfo;

    /// <summary>A problem saying the main data is not what this kind of record holds.</summary>
    public string Malformed(string what) =>
        $"the record at {new Lsn(Lsn)} ({ResourceManager}, info {Header.Info:X2}) is malformed: {what}";

    /// <summary>A problem when this record says it changes relation files in a way its block references do not tell
    /// and is no record a summary knows how to follow (pg_rewind refuses the same); null otherwise.</summary>
    public string? UnknownSpecialUpdate() => Header.UpdatesRelationsSpecially
        ? $"the record at {new Lsn(Lsn)} ({ResourceManager}, info {Header.Info:X2}) changes relation files in a way a summary does not know"
        : null;
}
