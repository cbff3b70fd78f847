using Npgsql;

namespace Pgward.Core.Metadata;

/// <summary>Reads and writes the <c>pgward</c> schema over one open connection.</summary>
public sealed class MetadataStore(NpgsqlConnection connection)
{
    private const string NodeColumns =
        "node_id, upstream_node_id, active, node_name, type, location, priority, conninfo, repluser, slot_name, config_file, agent_url";

    public NpgsqlConnection Connection => connection;

    public async Task<bool> SchemaExistsAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT to_regclass('pgward.nodes') IS NOT NULL", connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task CreateSchemaAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(MetadataSchema.CreateSql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<NodeRecord>> GetNodesAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {NodeColumns} FROM pgward.nodes ORDER BY node_id", connection);
        return await ReadNodesAsync(cmd, ct);
    }

    public async Task<NodeRecord?> GetNodeAsync(int nodeId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {NodeColumns} FROM pgward.nodes WHERE node_id = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = nodeId });
        return (await ReadNodesAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>Inserts the record, or replaces every column of the record with the same node_id.</summary>
    public async Task UpsertNodeAsync(NodeRecord node, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            INSERT INTO pgward.nodes ({NodeColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (node_id) DO UPDATE SET
              upstream_node_id = EXCLUDED.upstream_node_id, active = EXCLUDED.active, node_name = EXCLUDED.node_name,
              type = EXCLUDED.type, location = EXCLUDED.location, priority = EXCLUDED.priority,
              conninfo = EXCLUDED.conninfo, repluser = EXCLUDED.repluser, slot_name = EXCLUDED.slot_name,
              config_file = EXCLUDED.config_file, agent_url = EXCLUDED.agent_url
            """,
            connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.NodeId });
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = node.UpstreamNodeId, DataTypeName = "integer" });
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.Active });
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.NodeName });
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.Type.ToName() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.Location });
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.Priority });
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.Conninfo });
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.ReplUser });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = node.SlotName, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter { Value = node.ConfigFile });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = node.AgentUrl, DataTypeName = "text" });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Makes <c>pgward.nodes</c> hold exactly <paramref name="nodes"/>, in one transaction: how a witness, which does
    /// not replicate, keeps its copy of the primary's records.
    /// </summary>
    public async Task ReplaceNodesAsync(IReadOnlyList<NodeRecord> nodes, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var defer = new NpgsqlCommand("SET CONSTRAINTS ALL DEFERRED; DELETE FROM pgward.nodes", connection))
        {
            await defer.ExecuteNonQueryAsync(ct);
        }
        foreach (var node in nodes)
        {
            await UpsertNodeAsync(node, ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<bool> DeleteNodeAsync(int nodeId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM pgward.nodes WHERE node_id = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = nodeId });
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Writes an event and returns it with the server's timestamp.</summary>
    public async Task<DateTimeOffset> InsertEventAsync(int nodeId, string eventName, bool successful, string details, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO pgward.events (node_id, event, successful, details) VALUES ($1, $2, $3, $4) RETURNING event_timestamp",
            connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = nodeId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = eventName });
        cmd.Parameters.Add(new NpgsqlParameter { Value = successful });
        cmd.Parameters.Add(new NpgsqlParameter { Value = details });
        var timestamp = (DateTime)(await cmd.ExecuteScalarAsync(ct))!;
        return new DateTimeOffset(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc));
    }

    /// <summary>
    /// Deletes <c>monitoring_history</c> rows older than <paramref name="keepHistory"/> (all of them for zero),
    /// of one standby when <paramref name="standbyNodeId"/> is given; returns how many went.
    /// </summary>
    public async Task<long> DeleteMonitoringHistoryAsync(TimeSpan keepHistory, int? standbyNodeId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            DELETE FROM pgward.monitoring_history
             WHERE last_monitor_time < now() - make_interval(secs => $1)
               AND ($2::int IS NULL OR standby_node_id = $2)
            """,
            connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = keepHistory.TotalSeconds });
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = standbyNodeId, DataTypeName = "integer" });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Events, newest first.</summary>
    public async Task<IReadOnlyList<EventRecord>> GetEventsAsync(EventFilter filter, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT e.node_id, n.node_name, e.event, e.successful, e.event_timestamp, e.details
              FROM pgward.events e LEFT JOIN pgward.nodes n ON n.node_id = e.node_id
             WHERE ($1::text IS NULL OR e.event = $1)
               AND ($2::int IS NULL OR e.node_id = $2)
               AND ($3::text IS NULL OR n.node_name = $3)
             ORDER BY e.event_timestamp DESC
             LIMIT $4
            """,
            connection);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.Event, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = filter.NodeId, DataTypeName = "integer" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.NodeName, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = filter.Limit, DataTypeName = "bigint" });
        var events = new List<EventRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add(new EventRecord(
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2),
                reader.GetBoolean(3),
                new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc)),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return events;
    }

    private static async Task<IReadOnlyList<NodeRecord>> ReadNodesAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var nodes = new List<NodeRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            nodes.Add(new NodeRecord(
                NodeId: reader.GetInt32(0),
                UpstreamNodeId: reader.IsDBNull(1) ? null : reader.GetInt32(1),
                Active: reader.GetBoolean(2),
                NodeName: reader.GetString(3),
                Type: NodeTypeNames.Parse(reader.GetString(4)),
                Location: reader.GetString(5),
                Priority: reader.GetInt32(6),
                Conninfo: reader.GetString(7),
                ReplUser: reader.GetString(8),
                SlotName: reader.IsDBNull(9) ? null : reader.GetString(9),
                ConfigFile: reader.GetString(10))
            {
                AgentUrl = reader.IsDBNull(11) ? null : reader.GetString(11),
            });
        }
        return nodes;
    }
}
