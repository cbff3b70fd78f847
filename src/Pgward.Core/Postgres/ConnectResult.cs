using Npgsql;

namespace Pgward.Core.Postgres;

/// <summary>An open connection, or why there is none.</summary>
public sealed record ConnectResult(NpgsqlConnection? Connection, ConnectFailureKind? Failure, string? Error)
{
    public bool Succeeded => Connection is not null;

    public static ConnectResult Ok(NpgsqlConnection connection) => new(connection, null, null);

    public static ConnectResult Failed(ConnectFailureKind kind, string error) => new(null, kind, error);
}
