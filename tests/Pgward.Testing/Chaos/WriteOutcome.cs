namespace Pgward.Testing.Chaos;

/// <summary>What a client learned about one INSERT.</summary>
public enum WriteOutcome
{
    /// <summary>The server answered the INSERT with success: the row must survive every fault.</summary>
    Acknowledged,

    /// <summary>Refused before it could commit (connection refused, no read-write host, read-only server, an ERROR
    /// from the statement): the row must never appear.</summary>
    Failed,

    /// <summary>The INSERT was sent and its answer was lost (timeout, connection broken, FATAL): it may or may not
    /// have committed, and either is correct.</summary>
    Unknown,
}
