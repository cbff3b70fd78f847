namespace Pgward.Backup.Files;

/// <summary><c>POST /backup/start</c>: the label pg_backup_start records (the backup's id).</summary>
/// <param name="Jobs">The backup server's <c>parallel_jobs</c>: how many files requests it sends at once, and how many
/// threads the agent compresses with for the session (at most its cores). 1 when absent.</param>
public sealed record SessionStartRequest(string Label, int Jobs = 1);
