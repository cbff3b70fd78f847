namespace Pgward.Cluster.Agents;

/// <summary>Body of <c>POST /control/rejoin</c>: as <c>pgward node rejoin -d CONNINFO [--force-rewind]</c>. A switchover
/// adds what it saw before the promotion: node <paramref name="ReceivedBy"/> had received this node's shutdown checkpoint
/// <paramref name="ReceivedCheckpoint"/> (<see cref="Rejoin.RejoinPolicy.ReceivedBeforePromotion"/>).</summary>
public sealed record RejoinBody(string Conninfo = "", bool ForceRewind = false, int? ReceivedBy = null, string? ReceivedCheckpoint = null);
