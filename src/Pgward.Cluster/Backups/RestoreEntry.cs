namespace Pgward.Cluster.Backups;

/// <summary>One entry of a <see cref="RestoreManifest"/>.</summary>
/// <param name="Kind"><see cref="File"/>, <see cref="Directory"/> or <see cref="Symlink"/>.</param>
/// <param name="Size">Bytes of a file, uncompressed; 0 otherwise.</param>
/// <param name="Algorithm">The backup_manifest's <c>Checksum-Algorithm</c> (<c>CRC32C</c> for pgward's backups); null
/// when the manifest has no checksum for the entry (then a delta restore always fetches it).</param>
/// <param name="Checksum">Hex digits as the backup_manifest writes them.</param>
/// <param name="LinkTarget">Where a symlink points.</param>
public sealed record RestoreEntry(string Path, string Kind, long Size, string? Algorithm = null, string? Checksum = null, string? LinkTarget = null)
{
    public const string File = "file";
    public const string Directory = "directory";
    public const string Symlink = "symlink";
}
