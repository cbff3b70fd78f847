namespace Pgward.Cli.Json;

internal sealed record NodeStatusJson(
    int NodeId,
    string NodeName,
    bool Running,
    string? Error,
    string? PostgresqlVersion,
    long? TotalDataSizeBytes,
    string Conninfo,
    string? Role,
    string? RegisteredAs,
    string? WalArchiving,
    int? WalsPendingArchiving,
    int? ReplicationConnections,
    int? MaxWalSenders,
    int? PhysicalSlots,
    int? MaxReplicationSlots,
    string? UpstreamNode,
    long? ReplicationLagSeconds,
    string? LastReceivedLsn,
    string? LastReplayedLsn,
    int? Timeline,
    string? ApplyDelay = null);
