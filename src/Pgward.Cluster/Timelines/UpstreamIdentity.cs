using Pgward.Core.Postgres;

namespace Pgward.Cluster.Timelines;

/// <summary>What an upstream says over a replication connection: IDENTIFY_SYSTEM and its timeline's history.</summary>
public sealed record UpstreamIdentity(ulong SystemIdentifier, int Timeline, Lsn WalPosition, IReadOnlyList<TimelineHistoryEntry> History);
