namespace Pgward.Cluster.Backups;

/// <summary><c>GET /status</c> of a backup server's endpoint: which backup server and which cluster it keeps.</summary>
/// <param name="Name">Its <c>[backup] name</c>.</param>
/// <param name="SystemIdentifier">The cluster's system identifier, null before the first WAL arrived.</param>
/// <param name="WalSegmentSize">The cluster's WAL segment size in bytes.</param>
/// <param name="NewestBackup">Id of its newest DONE backup; null when it has none.</param>
public sealed record EndpointStatus(string Name, string? SystemIdentifier, int WalSegmentSize, string? NewestBackup);
