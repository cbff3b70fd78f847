namespace Pgward.Backup.Catalog;

/// <summary>The spelling of <see cref="BackupStatus"/> in backup.info and in output (Barman's: <c>WAITING_FOR_WALS</c>).</summary>
public static class BackupStatusNames
{
    public static string ToName(this BackupStatus status) => status switch
    {
        BackupStatus.Started => "STARTED",
        BackupStatus.WaitingForWals => "WAITING_FOR_WALS",
        BackupStatus.Done => "DONE",
        _ => "FAILED",
    };

    public static BackupStatus Parse(string name) => name switch
    {
        "STARTED" => BackupStatus.Started,
        "WAITING_FOR_WALS" => BackupStatus.WaitingForWals,
        "DONE" => BackupStatus.Done,
        "FAILED" => BackupStatus.Failed,
        _ => throw new FormatException($"unknown backup status \"{name}\""),
    };
}
