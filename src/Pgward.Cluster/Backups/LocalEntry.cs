namespace Pgward.Cluster.Backups;

/// <summary>What a data directory (or tablespace location) already holds at a path, named as in the manifest.</summary>
/// <param name="Kind">As <see cref="RestoreEntry.Kind"/>.</param>
public sealed record LocalEntry(string Path, string Kind, long Size, string? LinkTarget = null);
