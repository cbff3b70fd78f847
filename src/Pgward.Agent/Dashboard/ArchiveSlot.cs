namespace Pgward.Agent.Dashboard;

/// <summary>A backup server's replication slot as the primary's <c>pg_replication_slots</c> shows it.</summary>
/// <param name="LagBytes">The primary's current WAL position minus the slot's <c>restart_lsn</c>; null before the slot
/// was first used.</param>
public sealed record ArchiveSlot(bool Active, long? LagBytes);
