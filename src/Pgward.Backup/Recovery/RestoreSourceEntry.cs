using Pgward.Cluster.Backups;

namespace Pgward.Backup.Recovery;

/// <summary>One entry of an <see cref="IRestoreSource"/>.</summary>
/// <param name="Kind"><see cref="RestoreEntry.File"/>, <see cref="RestoreEntry.Directory"/> or <see cref="RestoreEntry.Symlink"/>.</param>
/// <param name="Data">A file's bytes, uncompressed; null for the others.</param>
/// <param name="StoredFrame">As <see cref="ContentEntry.StoredFrame"/>.</param>
public sealed record RestoreSourceEntry(string Path, string Kind, long Size, string? LinkTarget, Stream? Data, string? StoredFrame = null);
