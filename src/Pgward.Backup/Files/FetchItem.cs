namespace Pgward.Backup.Files;

/// <summary>One file the backup server asks the agent for.</summary>
/// <param name="ParentSize">With <see cref="ParentChecksum"/>: what the parent backup stored for this path. When the
/// file still has this size and SHA-256, the agent answers "unchanged" instead of sending it.</param>
public sealed record FetchItem(string Path, long? ParentSize = null, string? ParentChecksum = null);
