namespace Pgward.Backup.Files;

/// <summary>The agent's answer to <c>POST /backup/start</c>, once <c>pg_backup_start</c> returned.</summary>
/// <param name="Session">The id to name in the session's later requests.</param>
/// <param name="StartLsn">What pg_backup_start returned.</param>
/// <param name="ListedAtMs">When the agent began listing the files, ms since the Unix epoch on the node's clock:
/// what a later incremental compares modification times with (<see cref="ReuseDecision"/>).</param>
/// <param name="Directories">Every directory to recreate (relative paths), so empty ones such as pg_wal survive.</param>
/// <param name="Timeline">The timeline of the checkpoint pg_backup_start waited for (<c>pg_control_checkpoint()</c>);
/// null from an agent that predates it.</param>
/// <param name="DataChecksums">Whether the server computes data checksums; null from an agent that predates it.</param>
/// <param name="BlockSize">The server's page size in bytes (<c>block_size</c>); null from an agent that predates it.</param>
/// <param name="SegmentBlocks">The blocks in a relation segment file (<c>segment_size</c>, in pages); null from an agent
/// that predates it.</param>
public sealed record SessionStartReply(
    string Session, string StartLsn, long ListedAtMs, IReadOnlyList<ListedFile> Files, IReadOnlyList<string> Directories, IReadOnlyList<ListedTablespace> Tablespaces,
    uint? Timeline = null, bool? DataChecksums = null, int? BlockSize = null, int? SegmentBlocks = null);
