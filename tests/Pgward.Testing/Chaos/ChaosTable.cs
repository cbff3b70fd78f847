using Npgsql;

namespace Pgward.Testing.Chaos;

/// <summary>
/// The SQL of the workload's table. No unique constraint, so that a row written twice (a retried write replayed, a
/// WAL segment applied twice) stays visible; an index on (client, id) keeps the readers' "what is new" query cheap.
/// </summary>
public sealed class ChaosTable
{
    public const string DefaultName = "chaos_rows";

    /// <summary>The node that answers: every pgward node sets <c>cluster_name</c> to its node name; a server without
    /// one is named by its address and port.</summary>
    public const string NodeExpression =
        "coalesce(nullif(current_setting('cluster_name'), ''), host(inet_server_addr()) || ':' || inet_server_port(), 'local')";

    /// <summary>The current timeline of a primary: the first 8 hex digits of the WAL file being written.</summary>
    private const string TimelineExpression = "('x' || substr(pg_walfile_name(pg_current_wal_insert_lsn()), 1, 8))::bit(32)::int";

    public ChaosTable(string name = DefaultName)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
        {
            throw new ArgumentException($"table name '{name}' must be lower-case letters, digits and '_', starting with a letter", nameof(name));
        }
        Name = name;
    }

    public string Name { get; }

    public async Task CreateAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var create = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {Name} (id bigint NOT NULL, client int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());"
            + $"CREATE INDEX IF NOT EXISTS {Name}_client_id ON {Name} (client, id)", connection);
        await create.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Inserts one row and returns the node and timeline that took it.</summary>
    public async Task<(string Node, int Timeline)> InsertAsync(NpgsqlConnection connection, long id, int client, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand($"INSERT INTO {Name} (id, client) VALUES ($1, $2) RETURNING {NodeExpression}, {TimelineExpression}", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = id });
        insert.Parameters.Add(new NpgsqlParameter { Value = client });
        await using var reader = await insert.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException($"INSERT INTO {Name} returned no row");
        }
        return (reader.GetString(0), reader.GetInt32(1));
    }

    /// <summary>
    /// The rows of each client above that client's watermark (<paramref name="watermarks"/>[c - 1] for client c), at
    /// most <paramref name="limitPerClient"/> each, in one statement with the node that answered and whether it is a
    /// standby: one index range scan per client instead of reading the whole table.
    /// </summary>
    public async Task<(string Node, bool InRecovery, long[] Ids)> ReadAboveAsync(NpgsqlConnection connection, long[] watermarks, int limitPerClient,
        CancellationToken ct)
    {
        await using var select = new NpgsqlCommand(
            $"SELECT {NodeExpression}, pg_is_in_recovery(), array(SELECT r.id FROM unnest($1::bigint[]) WITH ORDINALITY AS w(above, client) "
            + $"CROSS JOIN LATERAL (SELECT id FROM {Name} t WHERE t.client = w.client AND t.id > w.above ORDER BY t.id LIMIT $2) r)", connection);
        select.Parameters.Add(new NpgsqlParameter { Value = watermarks });
        select.Parameters.Add(new NpgsqlParameter { Value = limitPerClient });
        await using var reader = await select.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<long[]>(2));
    }

    /// <summary>Every row of the table on the server <paramref name="connectionString"/> reaches, duplicates kept.</summary>
    public async Task<NodeRows> ReadAllAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var select = new NpgsqlCommand($"SELECT {NodeExpression}, array(SELECT id FROM {Name} ORDER BY id)", connection);
        await using var reader = await select.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new NodeRows(reader.GetString(0), reader.GetFieldValue<long[]>(1));
    }
}
