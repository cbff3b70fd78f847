namespace Pgward.Core.Logging;

/// <summary>Chooses the <see cref="DaemonLogFormat"/> of a daemon's output.</summary>
public static class DaemonLogFormats
{
    /// <summary>Set by systemd to the device and inode (<c>dev:inode</c>) of the journal stream it connected to the
    /// service's stdout and stderr.</summary>
    public const string JournalStreamVariable = "JOURNAL_STREAM";

    /// <summary><see cref="DaemonLogFormat.Journald"/> when systemd connected the output to its journal
    /// (<see cref="JournalStreamVariable"/> is set), else <see cref="DaemonLogFormat.Plain"/>.</summary>
    /// <param name="outputIdentity">The <c>dev:inode</c> of the stream the daemon writes to, or null when unknown. A
    /// process started by a service but writing to a file of its own (<c>daemon start</c>'s log) inherits the variable;
    /// its output is not the journal's stream, so it keeps the timestamps.</param>
    public static DaemonLogFormat Choose(string? journalStream, string? outputIdentity) =>
        string.IsNullOrEmpty(journalStream) || (outputIdentity is not null && outputIdentity != journalStream)
            ? DaemonLogFormat.Plain
            : DaemonLogFormat.Journald;

    /// <summary>The format for what this process writes to file descriptor <paramref name="fd"/> (1: stdout, 2: stderr).</summary>
    public static DaemonLogFormat FromProcess(int fd) =>
        Choose(Environment.GetEnvironmentVariable(JournalStreamVariable), IO.Libc.DeviceAndInode($"/proc/self/fd/{fd}"));
}
