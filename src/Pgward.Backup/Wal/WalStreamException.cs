namespace Pgward.Backup.Wal;

/// <summary>
/// Streaming cannot go on without an operator: another cluster, a conflicting segment, WAL the server no longer
/// has, a timeline the archive cannot follow. The receiver stops with this message and hint instead of retrying.
/// </summary>
public sealed class WalStreamException(string message, string? hint = null) : Exception(message)
{
    public string? Hint { get; } = hint;
}
