namespace Pgward.Cluster.Backups;

/// <summary>
/// One file's block map as <c>POST /backups/{id}/maps</c> serves it: a hash of every page of the backup's copy, what a
/// delta restore compares the local file's pages with (<see cref="PageDelta"/>).
/// </summary>
/// <param name="Length">The copy's length in bytes.</param>
/// <param name="PageSize">Bytes per hash (8192); the last page may be short.</param>
/// <param name="Algorithm">The hash: <see cref="PageDelta.Algorithm"/> (pages as they are) or
/// <see cref="PageDelta.MaskedAlgorithm"/> (table pages masked, <see cref="PageMask"/>); a map with another is not used.</param>
/// <param name="Hashes">The hashes, 8 bytes each, little-endian (the strict masked ones in a masked map).</param>
/// <param name="Loose">In a masked map, the loose masked hashes, as <paramref name="Hashes"/>; null otherwise.</param>
public sealed record RestoreBlockMap(string Path, long Length, int PageSize, string Algorithm, byte[] Hashes, byte[]? Loose = null);
