namespace Pgward.Cluster.Agents;

/// <summary>
/// Body of <c>POST /control/recover</c>: <c>pgward backup recover BACKUP --node NAME [targets] [--delta]</c>, sent by
/// the backup server to the node's agent, which pulls the backup from <see cref="ServerUrl"/> into its stopped data
/// directory. The targets are as the command line gave them; the agent checks them again.
/// </summary>
/// <param name="ServerUrl">The backup server's endpoint: where the node pulls from, and what its restore_command fetches WAL from.</param>
/// <param name="Backup">A backup id (the backup server resolved names and <c>latest</c>).</param>
/// <param name="Delta">Keep the files that already match the backup (by checksum); fetch only the others.</param>
public sealed record RecoverBody(
    string ServerUrl = "",
    string Backup = "",
    bool Delta = false,
    string? TargetTime = null,
    string? TargetXid = null,
    string? TargetName = null,
    string? TargetLsn = null,
    bool TargetImmediate = false,
    string? TargetTimeline = null,
    string? TargetAction = null,
    bool Exclusive = false);
