namespace Pgward.Core.Metadata;

/// <summary>
/// One row of <c>pgward.backup_servers</c>: a backup server that keeps base backups and WAL of the cluster. It is
/// not a node: it has no vote, is never promoted and is not in <c>pgward.nodes</c>.
/// </summary>
/// <param name="Name"><c>[backup] name</c> of the backup server (default <c>backup</c>).</param>
/// <param name="Host">Host name of the machine it runs on.</param>
/// <param name="BackupDirectory">Its <c>backup_directory</c> on that host.</param>
/// <param name="SlotName">The physical replication slot it streams WAL through.</param>
/// <param name="ConfigFile">Its pgward.conf on that host.</param>
/// <param name="LastSeen">When its daemon (or a register) last wrote the row.</param>
/// <param name="LastBackupId">Id of its newest DONE base backup; null before the first.</param>
/// <param name="Endpoint">URL of its HTTPS endpoint (<c>https://10.0.0.5:8008</c>), where nodes fetch WAL and
/// backups; null when its pgward.conf sets no <c>agent_token</c> (no endpoint), or it was registered by an older pgward.</param>
public sealed record BackupServerRecord(
    string Name,
    string Host,
    string BackupDirectory,
    string SlotName,
    string ConfigFile,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastSeen,
    string? LastBackupId,
    DateTimeOffset? LastBackupTime,
    string? Endpoint = null);
