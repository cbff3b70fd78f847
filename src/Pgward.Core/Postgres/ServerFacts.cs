namespace Pgward.Core.Postgres;

/// <summary>What one running server says about itself, read in one go by <see cref="ServerProbe"/>.</summary>
public sealed record ServerFacts
{
    public required string ServerVersion { get; init; }
    public required int ServerVersionNum { get; init; }
    public required bool InRecovery { get; init; }
    public required int Timeline { get; init; }
    public required ulong SystemIdentifier { get; init; }
    public required string DataDirectory { get; init; }
    public required string WalLevel { get; init; }
    public required int MaxWalSenders { get; init; }
    public required int WalSendersInUse { get; init; }
    public required int MaxReplicationSlots { get; init; }
    public required bool HotStandby { get; init; }
    public required string ArchiveMode { get; init; }
    public required string ArchiveCommand { get; init; }
    public required long DataSizeBytes { get; init; }
    public required IReadOnlyList<SlotInfo> Slots { get; init; }
    public required IReadOnlyList<DownstreamConnection> Downstream { get; init; }
    public WalReceiverInfo? WalReceiver { get; init; }

    /// <summary>Primary: the current write position. Standby: the last WAL flushed by the receiver.</summary>
    public Lsn? ReceiveLsn { get; init; }
    public Lsn? ReplayLsn { get; init; }
    public DateTimeOffset? LastReplayTimestamp { get; init; }
    public DateTimeOffset ServerTime { get; init; }

    /// <summary>Files waiting in pg_wal/archive_status; null when the role may not list them.</summary>
    public int? ArchiveReadyCount { get; init; }

    /// <summary>A standby's <c>recovery_min_apply_delay</c>: zero unless it is a delayed standby (a primary ignores it).</summary>
    public TimeSpan ApplyDelay { get; init; }
}
