namespace Pgward.Cluster.Backups;

/// <summary>A tablespace of a backup: its OID and the location its tablespace_map line names.</summary>
public sealed record RestoreTablespace(string Oid, string Location);
