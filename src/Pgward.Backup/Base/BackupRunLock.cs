namespace Pgward.Backup.Base;

/// <summary>
/// One backup at a time per backup server, as Barman allows: <c>backup create</c> from the command line and the daemon's
/// schedule take it the same way, an exclusive lock on <see cref="BackupLayout.BackupLockFile"/> held while the backup
/// runs. Two at once would both read the whole cluster and both sit in <c>pg_backup_start</c>, and an incremental
/// would compare with a parent still being written. The lock is the kernel's (<c>flock</c>, which .NET takes for
/// <see cref="FileShare.None"/>), so it ends with the process that holds it, however that process ends.
/// </summary>
public sealed class BackupRunLock : IDisposable
{
    private readonly FileStream file;

    private BackupRunLock(FileStream file) => this.file = file;

    /// <summary>The lock; null and why not while another process (or another run in this one) holds it, or when the
    /// file cannot be opened.</summary>
    public static (BackupRunLock? Lock, string? Problem) TryTake(BackupLayout layout)
    {
        BackupFileModes.CreateDirectory(layout.Root);
        try
        {
            return (new BackupRunLock(new FileStream(layout.BackupLockFile,
                BackupFileModes.NewFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))), null);
        }
        catch (UnauthorizedAccessException e)
        {
            return (null, $"{layout.BackupLockFile} cannot be opened: {e.Message}; run the command as the user that owns {layout.Root}");
        }
        catch (IOException)
        {
            return (null, null);
        }
    }

    public void Dispose() => file.Dispose();
}
