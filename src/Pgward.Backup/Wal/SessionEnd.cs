namespace Pgward.Backup.Wal;

/// <summary>How one replication connection of the receiver ended, when it ended without a <see cref="WalStreamException"/>.</summary>
public enum SessionEnd
{
    /// <summary>The receiver was asked to stop.</summary>
    Stopped,
    /// <summary>The connection was lost; find the primary again and reconnect.</summary>
    Disconnected,
    /// <summary>An old timeline was archived up to its switch point; reconnect and go on with the next timeline.</summary>
    TimelineEnded,
}
