namespace Pgward.Backup.Wal;

/// <summary>The node found running as primary: how it is named in messages, its conninfo, its timeline.</summary>
public sealed record PrimaryNode(string Name, string Conninfo, uint Timeline);
