using Microsoft.Extensions.Logging;

namespace Pgward.Agent.Failover;

/// <summary>The commit lease's log lines (<see cref="CommitLease"/>). Event ids 3130-3139.</summary>
internal static partial class CommitLeaseLog
{
    [LoggerMessage(3130, LogLevel.Information, "commit lease open: this primary's commits are acknowledged while a majority of voters acknowledges it")]
    public static partial void Open(ILogger logger);

    [LoggerMessage(3131, LogLevel.Warning, "commit lease closed: this primary's commits wait until a majority of voters acknowledges it again")]
    public static partial void Closed(ILogger logger);

    [LoggerMessage(3132, LogLevel.Warning, "commit lease: {Problem}")]
    public static partial void Problem(ILogger logger, string problem);

    [LoggerMessage(3133, LogLevel.Warning, "commit lease: the local server's socket {Socket} failed ({Problem}); connected over TCP instead, which costs each commit more (pg_hba.conf needs a \"local replication\" line for this user)")]
    public static partial void OverTcp(ILogger logger, string socket, string problem);

    [LoggerMessage(3134, LogLevel.Warning, "commit lease: {Problem}; Npgsql connects on the local socket instead, which costs each commit more")]
    public static partial void ThroughNpgsql(ILogger logger, string problem);
}
