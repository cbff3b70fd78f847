namespace Pgward.Agent.Failover;

/// <summary>
/// The commit lease's replication connection, whichever client makes it (<see cref="SocketLeaseStream"/> on the local
/// socket, <see cref="NpgsqlLeaseStream"/> otherwise): what <see cref="CommitLease"/> needs of it, and what each must
/// confirm, so that the lease's guarantee does not depend on the client.
/// </summary>
internal interface ICommitLeaseStream : IAsyncDisposable
{
    Task OpenAsync(CancellationToken ct);

    /// <summary>IDENTIFY_SYSTEM: the server's timeline and end of WAL.</summary>
    Task<(uint Timeline, ulong End)> IdentifySystemAsync(CancellationToken ct);

    /// <summary>
    /// Streams WAL from <paramref name="start"/> and discards it. For WAL that arrives it first asks
    /// <paramref name="stillOpen"/>: while true it confirms the message's <c>walEnd</c> (the server's flushed end when it
    /// sent it: all written before this look at the lease) as written, flushed and applied; the first false ends the
    /// stream, confirming nothing more. Keepalives are answered with what was confirmed already as flushed (Npgsql's
    /// written position follows what arrived; <see cref="SocketLeaseStream"/> confirms as written only what it
    /// confirmed as flushed).
    /// <paramref name="firstConfirmed"/> is called once, after the first confirmation went out. Returns when
    /// <paramref name="stillOpen"/> said false; throws <see cref="OperationCanceledException"/> when
    /// <paramref name="ct"/> is cancelled (the lease lapsed while no WAL came, or the agent stops).
    /// </summary>
    Task StreamAsync(ulong start, uint timeline, Func<bool> stillOpen, Action firstConfirmed, CancellationToken ct);
}
