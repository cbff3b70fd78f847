namespace Pgward.Backup.Wal.Summary;

/// <summary>One whole WAL record as read: where it begins, where it ends (just past its last byte, before alignment)
/// and its bytes, page headers taken out. <see cref="Bytes"/> may lie in the reader's buffer: valid until the next read.</summary>
internal readonly record struct WalRecord(ulong Lsn, ulong End, WalRecordHeader Header, ReadOnlyMemory<byte> Bytes);
