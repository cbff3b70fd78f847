using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>The receiver's PID file in the backup directory: one receiver per directory, and what <c>--stop</c> signals.</summary>
public sealed class ReceiverPidFile(BackupLayout layout)
{
    public string Path => layout.ReceiverPidFile;

    /// <summary>The PID of a running receiver, or null when there is none (no file, or its process is gone).</summary>
    public int? RunningPid()
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid > 0 && PostmasterPid.ProcessAlive(pid)
                ? pid
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Write(int pid)
    {
        BackupFileModes.CreateDirectory(layout.Root);
        using var stream = new FileStream(Path, BackupFileModes.NewFile());
        stream.Write(System.Text.Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture) + "\n"));
    }

    /// <summary>Removes the file if it still names <paramref name="pid"/>.</summary>
    public void Remove(int pid)
    {
        try
        {
            if (File.ReadAllText(Path).Trim() == pid.ToString(CultureInfo.InvariantCulture))
            {
                File.Delete(Path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
