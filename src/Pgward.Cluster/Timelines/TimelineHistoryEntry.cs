using Pgward.Core.Postgres;

namespace Pgward.Cluster.Timelines;

/// <summary>
/// One line of a timeline history file: timeline <paramref name="Timeline"/> ended at <paramref name="SwitchPoint"/>,
/// where the next timeline branched off it.
/// </summary>
public sealed record TimelineHistoryEntry(int Timeline, Lsn SwitchPoint, string Reason);
