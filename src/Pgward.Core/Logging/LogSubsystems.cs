namespace Pgward.Core.Logging;

/// <summary>
/// The logger categories of pgward's daemons, one per subsystem, so that every line says which part of the daemon wrote
/// it (<c>2026-05-04T10:00:00.123Z INFO failover: ...</c>) and an operator can filter on it. Categories that are not
/// pgward's (Kestrel, the host) are named by <see cref="DaemonLogLine.Subsystem"/>.
/// </summary>
public static class LogSubsystems
{
    /// <summary>The agent as a whole: listening, stopping.</summary>
    public const string Agent = "agent";

    /// <summary>Probes of the local server and its upstream, monitoring history.</summary>
    public const string Monitor = "monitor";

    /// <summary>Elections, votes, promotion, following, fencing decisions.</summary>
    public const string Failover = "failover";

    /// <summary>The commit lease and the dead-man switch that guard a primary.</summary>
    public const string Lease = "lease";

    /// <summary>Control endpoints: stop, rejoin, restart asked for by the CLI or another agent.</summary>
    public const string Control = "control";

    /// <summary>The HTTP server (Kestrel, ASP.NET Core).</summary>
    public const string Http = "http";

    /// <summary>The supervision of the daemon's long-running loops.</summary>
    public const string Loops = "loops";

    /// <summary>Operations the daemon runs and reports as the CLI does (promote, follow, rejoin, events).</summary>
    public const string Operation = "operation";

    /// <summary>The backup server's daemon: WAL streaming, upkeep, retention.</summary>
    public const string Backup = "backup";

    /// <summary>The generic host that runs the agent's HTTP server.</summary>
    public const string Host = "host";
}
