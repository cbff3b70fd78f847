namespace Pgward.Core;

/// <summary>
/// Process exit codes. The numbers are repmgr's (errcode.h) so that scripts written for repmgr keep working;
/// single <c>node check</c> items use the Nagios codes 0-3 instead (see <see cref="CheckStatus"/>).
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Configuration missing or invalid, or a command line that cannot be acted on.</summary>
    public const int BadConfig = 1;
    public const int NoRestart = 4;
    /// <summary>A local command (initdb, pg_ctl, pg_basebackup ...) failed.</summary>
    public const int LocalCommand = 5;
    /// <summary>No connection to a database that the command needs.</summary>
    public const int DbConnection = 6;
    /// <summary>A query failed.</summary>
    public const int DbQuery = 7;
    public const int PromotionFailed = 8;
    public const int SystemFailure = 13;
    /// <summary>pg_basebackup failed, or the upstream is not fit to clone from.</summary>
    public const int BadBaseBackup = 14;
    public const int Internal = 15;
    /// <summary>A switchover failed; the cluster was rolled back to the old primary.</summary>
    public const int SwitchoverFailed = 18;
    /// <summary>Registration could not be confirmed on the standby in time.</summary>
    public const int RegistrationSync = 20;
    /// <summary>The switchover promoted the new primary, but a later step (re-pointing a node) did not finish.</summary>
    public const int SwitchoverIncomplete = 22;
    public const int FollowFailed = 23;
    public const int RejoinFailed = 24;
    /// <summary>The command worked, but what it reports contains problems (<c>cluster show</c> warnings).</summary>
    public const int NodeStatus = 25;
    /// <summary><c>daemon pause</c> / <c>unpause</c> did not reach every node's agent (repmgr's ERR_REPMGRD_PAUSE).</summary>
    public const int PauseFailed = 26;
    /// <summary>The node agent (daemon) could not be reached or refused the request.</summary>
    public const int AgentUnavailable = 27;
    /// <summary>Interrupted by SIGINT (128 + 2).</summary>
    public const int Interrupted = 130;
}
