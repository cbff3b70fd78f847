namespace Pgward.Backup.Catalog;

/// <summary>The spelling of <see cref="BackupMethod"/> in backup.info, <c>backup list --json</c> and the endpoint's
/// answers: <c>tar</c> and <c>files</c>, as <c>backup_method</c> takes them.</summary>
public static class BackupMethodNames
{
    public static string ToName(this BackupMethod method) => method == BackupMethod.Files ? "files" : "tar";
}
