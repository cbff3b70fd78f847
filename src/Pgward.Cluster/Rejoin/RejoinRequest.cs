namespace Pgward.Cluster.Rejoin;

/// <summary>
/// The command line of <c>node rejoin</c>.
/// </summary>
/// <param name="Conninfo">Any reachable node of the cluster (<c>-d</c>); the current primary is found from its metadata.</param>
/// <param name="ForceRewind">Run pg_rewind when the local timeline has forked off the primary's (<c>--force-rewind</c>).</param>
/// <param name="ConfigFiles">Extra files to keep across pg_rewind or a re-clone: relative to the data directory, or absolute.</param>
/// <param name="DryRun">Run every check and say what would be done; change nothing.</param>
/// <param name="Reclone">Clone the node afresh from the primary when it cannot attach as it is and rewind is not used.</param>
/// <param name="Received">A switchover's: the rejoin target had received this node's shutdown checkpoint before its
/// promotion (<see cref="RejoinPolicy.ReceivedBeforePromotion"/>).</param>
public sealed record RejoinRequest(string Conninfo, bool ForceRewind, IReadOnlyList<string> ConfigFiles, bool DryRun, bool Reclone,
    ShutdownReceived? Received = null);
