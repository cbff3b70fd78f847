using Pgward.Core.Postgres;

namespace Pgward.Cluster.Rejoin;

/// <summary>
/// A <c>postmaster.pid</c> left by a killed postmaster whose PID is still a zombie: in a container whose PID 1 does not
/// reap orphans, a <c>kill -9</c>ed postmaster stays a zombie, and PostgreSQL (which tests the PID with <c>kill(pid, 0)</c>)
/// then refuses to start, pg_rewind's crash recovery included. The file may go only when no process works in the data
/// directory any more: every PostgreSQL process has it as its current directory, and the lock file is what stops a
/// new postmaster from starting beside backends of the old one.
/// </summary>
public static class StaleLockFile
{
    /// <summary>The zombie PID the lock file names when it can be removed safely, else null.</summary>
    public static int? Find(string dataDirectory)
    {
        if (PostmasterPid.Read(dataDirectory) is not { } pid || PostmasterPid.ProcessAlive(pid) || !Exists(pid))
        {
            return null;
        }
        return ProcessesIn(dataDirectory) is { Count: 0 } ? pid : null;
    }

    /// <summary>
    /// Removes <c>postmaster.pid</c> and the socket lock file that names the same dead PID (its directory and port are
    /// lines 5 and 4 of <c>postmaster.pid</c>): PostgreSQL checks that one the same way.
    /// </summary>
    public static void Remove(string dataDirectory, int pid)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        var lines = File.ReadAllLines(pidFile);
        if (lines.Length >= 5 && lines[4].Trim() is { Length: > 0 } socketDirectory && int.TryParse(lines[3].Trim(), out var port))
        {
            var socketLock = Path.Combine(socketDirectory, $".s.PGSQL.{port}.lock");
            if (File.Exists(socketLock) && PostmasterPid.Parse(File.ReadAllText(socketLock)) == pid)
            {
                File.Delete(socketLock);
            }
        }
        File.Delete(pidFile);
    }

    private static bool Exists(int pid) => File.Exists($"/proc/{pid}/stat");

    /// <summary>Live processes whose current directory is <paramref name="dataDirectory"/>; null when /proc cannot tell.</summary>
    private static List<int>? ProcessesIn(string dataDirectory)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || !PostmasterPid.ProcessAlive(pid))
            {
                continue;
            }
            try
            {
                if (new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget is { } cwd
                    && string.Equals(Path.TrimEndingDirectorySeparator(cwd), target, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }
}
