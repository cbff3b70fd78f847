using Npgsql;

namespace Pgward.Testing.Chaos;

/// <summary>Which outcome a write attempt that threw had: the rule that makes "acknowledged writes lost" meaningful.</summary>
public static class WriteOutcomes
{
    /// <param name="sent">Whether the INSERT had been handed to an open connection; before that nothing can commit.</param>
    public static WriteOutcome Classify(Exception error, bool sent)
    {
        if (!sent)
        {
            return WriteOutcome.Failed;
        }
        // An ERROR ends an autocommit statement's transaction without committing it (read-only server, cancelled
        // before the commit). A FATAL is different: a backend terminated while waiting for a synchronous standby has
        // already committed locally, so it is as uncertain as a timeout or a broken connection.
        return error is PostgresException { InvariantSeverity: "ERROR" } ? WriteOutcome.Failed : WriteOutcome.Unknown;
    }
}
