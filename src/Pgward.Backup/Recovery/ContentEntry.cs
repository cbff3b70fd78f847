namespace Pgward.Backup.Recovery;

/// <summary>One directory, file or link of a backup, whatever its format.</summary>
/// <param name="Path">Relative to its part's root (the data directory, or the tablespace's location), with <c>/</c>.</param>
/// <param name="ManifestPath">As the manifest names it: <see cref="Path"/>, under <c>pg_tblspc/&lt;oid&gt;/</c> for a tablespace's.</param>
/// <param name="Length">The file's uncompressed size when the format records it beside the data (tar), else null.</param>
/// <param name="LinkTarget">A link's target.</param>
/// <param name="OpenData">A file's uncompressed bytes; valid only until the enumeration moves on. The caller disposes the stream.</param>
/// <param name="StoredFrame">Where a files backup keeps the file whole as an lz4 frame (<c>&lt;name&gt;.lz4</c>), which
/// may be sent as it is; null for a patch or a tar archive's entry.</param>
public sealed record ContentEntry(string Path, string ManifestPath, ContentEntryKind Kind, long? Length, string? LinkTarget, Func<Stream> OpenData,
    string? StoredFrame = null);
