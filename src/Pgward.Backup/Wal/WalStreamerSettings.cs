namespace Pgward.Backup.Wal;

/// <summary>Timings of the WAL receiver. Defaults suit a receiver on the same network as the cluster.</summary>
public sealed record WalStreamerSettings
{
    /// <summary>Shortest time between two fsyncs of received WAL (each followed by a flush report to the server). WAL
    /// is flushed as soon as it is written; what arrives meanwhile waits for the next one. Default 10 ms: at most
    /// 100 fsyncs a second under load, none when idle.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Wait before reconnecting after the primary was lost or could not be found. Default 2 s.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Status updates to the server at least this often even when nothing arrives (wal_receiver_status_interval). Default 10 s.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The application_name the receiver connects with, as pg_stat_replication shows it.</summary>
    public string ApplicationName { get; init; } = "pgward_receive_wal";
}
