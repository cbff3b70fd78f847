namespace Pgward.Core.Postgres;

public enum ConnectFailureKind
{
    /// <summary>Nothing answered: connection refused, no route, or the connect timeout passed.</summary>
    Unreachable,

    /// <summary>A server answered but refused the session (authentication, missing database, starting up, too many clients).</summary>
    Rejected,

    /// <summary>The conninfo itself cannot be used.</summary>
    Invalid,
}
