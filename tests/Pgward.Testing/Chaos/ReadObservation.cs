namespace Pgward.Testing.Chaos;

/// <summary>One read of a reader client: the ids it found that it had not seen before.</summary>
/// <param name="Reader">The reader, numbered from 1.</param>
/// <param name="At">When the read's answer arrived, on the run's monotonic clock.</param>
/// <param name="Node">The node that answered (its <c>cluster_name</c>).</param>
/// <param name="FromStandby">Whether that node was in recovery: a reader prefers standbys but takes the primary
/// when no standby answers.</param>
/// <param name="Ids">The ids seen for the first time by this reader.</param>
public sealed record ReadObservation(int Reader, TimeSpan At, string Node, bool FromStandby, IReadOnlyList<long> Ids);
