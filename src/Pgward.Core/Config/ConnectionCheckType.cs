namespace Pgward.Core.Config;

/// <summary>The <c>connection_check_type</c> setting: how the daemon decides that its upstream is reachable.</summary>
public enum ConnectionCheckType
{
    /// <summary>A libpq-style ping: is the server accepting connections.</summary>
    Ping,
    /// <summary>Open a new connection on every check.</summary>
    Connection,
    /// <summary>Run <c>SELECT 1</c> on the existing connection.</summary>
    Query,
}
