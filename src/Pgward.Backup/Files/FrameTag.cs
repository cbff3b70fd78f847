namespace Pgward.Backup.Files;

/// <summary>
/// The frames of a <c>/backup/{session}/files</c> answer. For each requested file, in the order asked: zero or more
/// <see cref="Data"/> frames (<c>u32 length</c>, then that many bytes of the file's lz4 frame, or of its
/// <see cref="BlockPatch"/> records), at most one <see cref="BlockMap"/> (the same shape), then one of
/// <see cref="Stored"/>, <see cref="Patched"/>, <see cref="Unchanged"/> (each <c>i64 size</c>, <c>u8 length</c>, the checksum in hex of the
/// uncompressed bytes read: a CRC-32C or a SHA-256, <see cref="FrameChecksums"/>) or <see cref="Vanished"/>. <see cref="Failed"/> (<c>u16 length</c>, UTF-8 message) ends
/// the answer early. Integers are big-endian.
/// </summary>
public enum FrameTag : byte
{
    Data = 1,
    /// <summary>The file was sent whole: its data frames hold it.</summary>
    Stored = 2,
    /// <summary>The file has the parent's size and checksum: no data was sent.</summary>
    Unchanged = 3,
    /// <summary>The file was removed since the listing (a dropped table): it is not part of the backup, as with pg_basebackup.</summary>
    Vanished = 4,
    Failed = 5,
    /// <summary>The file's <see cref="Files.BlockMap"/> (when asked: <see cref="FetchItem.WantsMap"/>), before its end frame.</summary>
    BlockMap = 6,
    /// <summary>Only the blocks that differ from the parent's map were sent, as <see cref="BlockPatch"/> records.</summary>
    Patched = 7,
    /// <summary>The entries of the blocks read (<see cref="Files.BlockMapDelta"/>, when asked:
    /// <see cref="FetchItem.MapDelta"/>), before a <see cref="Patched"/> end whose checksum is empty: the backup server
    /// makes the new map, and the file's CRC-32C, from the parent's.</summary>
    BlockMapDelta = 8,
}
