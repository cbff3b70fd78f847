namespace Pgward.Backup.Wal.Summary;

/// <summary>One fork of one relation: the unit a <see cref="WalBlockSummary"/> keeps changes for.</summary>
public readonly record struct RelationFork(RelFileId File, ForkNumber Fork);
