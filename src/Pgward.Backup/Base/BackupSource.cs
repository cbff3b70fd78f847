namespace Pgward.Backup.Base;

/// <summary>The server a base backup is taken from, as found when the backup starts.</summary>
/// <param name="Conninfo">libpq conninfo pg_basebackup connects with.</param>
/// <param name="Name">The node's name when the cluster metadata names it, else its host:port.</param>
/// <param name="IsStandby">A standby's backup ends where it has replayed; the primary must switch WAL for it.</param>
/// <param name="PrimaryConninfo">The primary's conninfo when the source is a standby and the primary was found.</param>
public sealed record BackupSource(
    string Conninfo, string Name, bool IsStandby, string SystemIdentifier, int ServerVersion, string? PrimaryConninfo)
{
    /// <summary>The URL of the node's agent as the metadata records it; null when the node has none (files backups need one).</summary>
    public string? AgentUrl { get; init; }

    /// <summary>Where the server keeps its data directory and its configuration files (<c>data_directory</c>,
    /// <c>config_file</c>, <c>hba_file</c>, <c>ident_file</c>), recorded with the backup as Barman does; null where the
    /// connecting user may not see them.</summary>
    public ServerFiles Files { get; init; } = ServerFiles.Unknown;
}
