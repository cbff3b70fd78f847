namespace Pgward.Cluster.Backups;

/// <summary>What a <see cref="BackupPuller"/> did.</summary>
/// <param name="TotalBytes">Bytes of every file of the backup: what a full restore writes.</param>
/// <param name="FetchedBytes">Bytes of the files written (uncompressed).</param>
/// <param name="WireBytes">Bytes received from the backup server for them (compressed).</param>
/// <param name="FilesKept">Files a delta restore found identical and left alone.</param>
/// <param name="Removed">Local entries the backup does not have, removed.</param>
public sealed record RestorePullResult(long TotalBytes, long FetchedBytes, long WireBytes, int FilesFetched, int FilesKept, int Removed);
