namespace Pgward.Backup.Wal.Summary;

/// <summary>A block a record touches (one of its <c>XLogRecordBlockHeader</c>s), with or without data or an image.</summary>
internal readonly record struct WalBlockReference(RelFileId File, ForkNumber Fork, uint Block);
