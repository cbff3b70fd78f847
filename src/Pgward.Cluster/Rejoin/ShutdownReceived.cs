using Pgward.Core.Postgres;

namespace Pgward.Cluster.Rejoin;

/// <summary>What a switchover saw before it promoted the rejoin target: node <paramref name="NodeId"/> had received this
/// node's shutdown checkpoint, whose record starts at <paramref name="Checkpoint"/>.</summary>
public sealed record ShutdownReceived(int NodeId, Lsn Checkpoint);
