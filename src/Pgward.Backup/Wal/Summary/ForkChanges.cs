namespace Pgward.Backup.Wal.Summary;

/// <summary>What changed in one fork: blocks at or past Limit (when not null) all changed (relation created, truncated, dropped); Blocks: the block numbers below Limit that records touched, sorted ascending, no duplicates.</summary>
/// <remarks>A limit of 0 means the whole fork is to be taken again: it was created, dropped or truncated to nothing in
/// the range, so no block of an older copy of it may be reused.</remarks>
public sealed record ForkChanges(uint? Limit, IReadOnlyList<uint> Blocks);
