namespace Pgward.Backup.Files;

/// <summary>A refused or failed backup-session request: what went wrong, and how to fix it when known.</summary>
public sealed record SessionError(string Error, string? Hint = null);
