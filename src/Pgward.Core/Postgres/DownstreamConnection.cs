namespace Pgward.Core.Postgres;

/// <summary>A WAL sender on this server (<c>pg_stat_replication</c>); standbys name themselves by application_name.</summary>
public sealed record DownstreamConnection(string ApplicationName, string State, Lsn? ReplayLsn);
