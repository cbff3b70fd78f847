namespace Pgward.Backup.Files;

/// <summary>One file the backup server asks the agent for.</summary>
/// <param name="ParentSize">With <see cref="ParentChecksum"/>: what the parent backup stored for this path. When the
/// file still has this size and SHA-256, the agent answers "unchanged" instead of sending it.</param>
/// <param name="WantsMap">Send the file's <see cref="Files.BlockMap"/> (frame <see cref="FrameTag.BlockMap"/>) before its end.
/// An agent that predates block maps ignores it, and the file is then stored without one.</param>
/// <param name="ParentMap">The parent's <see cref="Files.BlockMap"/> of this path (<see cref="Files.BlockMap.ToBytes"/>): send
/// only the blocks that differ from it, as <see cref="BlockPatch"/> records ending in <see cref="FrameTag.Patched"/>.</param>
/// <param name="Algorithm">The checksum of the file's bytes to send in its end frame: <c>CRC32C</c>; null (a backup
/// server that predates it) or anything else: <c>SHA256</c>. An agent that predates it sends SHA-256, which the backup
/// server tells by its length (<see cref="FrameChecksums.AlgorithmOf"/>).</param>
/// <param name="MapCrcs">The backup server keeps maps with CRCs (<see cref="Files.BlockMap.HasCrcs"/>): send such a map,
/// patch only over a parent map that has them (and only in CRC-32C), and end a mapped file with its blocks' CRCs
/// combined, which is the CRC of the copy the backup server stores. A backup server that predates it sends false, and
/// gets maps without CRCs.</param>
/// <param name="UnchangedBelowLsn">With a parent map with CRCs: a page whose LSN is not 0 and below this one (the parent
/// backup's start, <see cref="LsnDelta"/>) and whose all-visible flag is the parent's copy's was not changed since the
/// parent read it, and is kept from the parent's copy without being hashed. Null: every block is compared by hash.</param>
/// <param name="WalBlocks">With <paramref name="WalReadFrom"/> and <paramref name="MapDelta"/>: the blocks of the file
/// that the WAL since the parent's start touched (<see cref="WalBlockPlan"/>), ascending. Only these and the blocks from
/// <paramref name="WalReadFrom"/> on are read; the others are kept from the parent's copy unread.</param>
/// <param name="WalReadFrom">See <paramref name="WalBlocks"/>.</param>
/// <param name="MapDelta">With <paramref name="WalBlocks"/>, and no <paramref name="ParentMap"/>: send every block the
/// plan must read as <see cref="BlockPatch"/> records, then their map entries alone (<see cref="BlockMapDelta"/>), and
/// end with <see cref="FrameTag.Patched"/> and an empty checksum; the backup server lays the entries over the parent's
/// map. An agent that predates it, given no parent map, sends the file whole.</param>
public sealed record FetchItem(string Path, long? ParentSize = null, string? ParentChecksum = null, bool WantsMap = false, byte[]? ParentMap = null,
    string? Algorithm = null, bool MapCrcs = false, string? UnchangedBelowLsn = null, int[]? WalBlocks = null, int? WalReadFrom = null,
    bool MapDelta = false);
