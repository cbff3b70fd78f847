using Pgward.Backup.Wal;

namespace Pgward.Backup.Catalog;

/// <summary>One completed segment file in the WAL archive: which segment, bytes on disk, when it was written.</summary>
public sealed record ArchivedSegment(WalSegment Segment, long SizeOnDisk, DateTimeOffset WrittenAt);
