namespace Pgward.Testing.Chaos;

/// <summary>One INSERT attempt of a writer client.</summary>
/// <param name="Id">The row's unique id: <see cref="ChaosIds.For"/>(client, sequence).</param>
/// <param name="Client">The writer, numbered from 1.</param>
/// <param name="Start">When the attempt began (connection open included), on the run's monotonic clock.</param>
/// <param name="End">When its answer (or error) arrived. The commit, if any, happened within [Start, End].</param>
/// <param name="Node">The node that took the write (its <c>cluster_name</c>) for an acknowledged write; otherwise
/// null.</param>
/// <param name="Timeline">The timeline of the primary that acknowledged the write: a node promoted again later
/// takes writes on a higher timeline, which tells a legitimate return apart from a stale primary.</param>
/// <param name="Error">The error's message when the attempt was not acknowledged.</param>
/// <param name="Warning">A WARNING the server sent with the answer. "canceling wait for synchronous replication" means
/// the commit was acknowledged after a cancel although no synchronous standby confirmed it: if such a write is lost,
/// this says why.</param>
/// <param name="SynchronousCommit">The session's <c>synchronous_commit</c> when the write was sent: a write with
/// <c>local</c> or <c>off</c> never waited for a standby or the commit lease.</param>
public sealed record WriteOperation(long Id, int Client, TimeSpan Start, TimeSpan End, WriteOutcome Outcome, string? Node = null,
    int? Timeline = null, string? Error = null, string? Warning = null, SynchronousCommit SynchronousCommit = SynchronousCommit.On)
{
    /// <summary>
    /// An acknowledgement PostgreSQL qualified: the client's cancel (here its command timeout) ended the commit's wait
    /// for a synchronous standby, and the server answered success with the WARNING "canceling wait for synchronous
    /// replication ... The transaction has already committed locally, but might not have been replicated to the
    /// standby". No failover tool can make that commit durable; the checker counts its loss apart.
    /// </summary>
    public bool SyncWaitCancelled =>
        Outcome == WriteOutcome.Acknowledged && Warning?.Contains("wait for synchronous replication", StringComparison.Ordinal) == true;
}
