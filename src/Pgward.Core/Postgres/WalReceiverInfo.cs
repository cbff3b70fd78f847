namespace Pgward.Core.Postgres;

/// <summary>A standby's WAL receiver (<c>pg_stat_wal_receiver</c>).</summary>
public sealed record WalReceiverInfo(string Status, string? SenderHost, int? SenderPort, int ReceivedTimeline, string? SlotName);
