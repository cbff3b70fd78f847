namespace Pgward.Backup.Checks;

/// <summary>One named check of <c>backup check</c>: whether it passed and what it saw.</summary>
public sealed record BackupCheckResult(string Name, bool Ok, string Detail);
