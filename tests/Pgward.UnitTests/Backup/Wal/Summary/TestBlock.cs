using Pgward.Backup.Wal.Summary;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>One block reference of a <see cref="TestRecord"/>.</summary>
internal sealed record TestBlock(byte Id, RelFileId File, ForkNumber Fork, uint Block, byte[] Data, TestImage? Image, bool SameRelation);
