using System.Globalization;
using Pgward.Core.Config;
using Pgward.Core.IO;

namespace Pgward.Cli.Daemon;

/// <summary>Where a background daemon keeps its PID and output: <c>pid_file</c>/<c>log_file</c>, else beside pgward.conf.</summary>
public sealed record DaemonFiles(string PidFile, string LogFile)
{
    /// <summary>The data directory, whose owner the PID file and the log get when pgward runs as root (null: none).</summary>
    public string? OwnerLike { get; init; }

    public static DaemonFiles For(NodeOptions options)
    {
        return new DaemonFiles(
            options.PidFile is { Length: > 0 } pid ? pid : ConfigFiles.Beside(options.ConfigFile, "pgward-daemon.pid"),
            options.LogFile is { Length: > 0 } log ? log : ConfigFiles.Beside(options.ConfigFile, "pgward-daemon.log"))
        {
            OwnerLike = options.DataDirectory,
        };
    }

    /// <summary>The PID in the PID file, or null when there is none or it is unreadable.</summary>
    public int? ReadPid()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
                ? pid
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void WritePid(int pid) =>
        DurableFile.WriteAllText(PidFile, pid.ToString(CultureInfo.InvariantCulture) + "\n", DurableFile.OwnerOnly, OwnerLike);

    /// <summary>Creates the log the daemon's shell appends to: 0600 and owned like the data directory, not 0644 and
    /// root's.</summary>
    public void PrepareLog() => OwnedLogFile.Prepare(LogFile, OwnerLike);

    public void RemovePid() => File.Delete(PidFile);
}
