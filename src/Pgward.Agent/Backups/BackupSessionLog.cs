using Microsoft.Extensions.Logging;

namespace Pgward.Agent.Backups;

/// <summary>Log lines of the agent's backup sessions. Event ids 3300-3309.</summary>
internal static partial class BackupSessionLog
{
    [LoggerMessage(3300, LogLevel.Information, "backup session {Session} ({Label}) started at LSN {Lsn}: {Files} files")]
    public static partial void Started(ILogger logger, string session, string label, string lsn, int files);

    [LoggerMessage(3301, LogLevel.Information, "backup session {Session} stopped at LSN {Lsn}")]
    public static partial void Stopped(ILogger logger, string session, string lsn);

    [LoggerMessage(3302, LogLevel.Warning, "backup session {Session} aborted: {Reason}")]
    public static partial void Aborted(ILogger logger, string session, string reason);

    [LoggerMessage(3303, LogLevel.Error, "backup session failed: {Error}")]
    public static partial void Failed(ILogger logger, string error);
}
