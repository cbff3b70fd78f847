using System.Globalization;
using Npgsql;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Base;

/// <summary>
/// Finds the server to back up from the <c>[backup] conninfo</c>: when that node holds pgward's metadata, the node
/// running as primary (or the node named by <c>--from</c>); otherwise the server at the conninfo itself. This is what
/// keeps backups working after a failover without editing the configuration. When the configured node is down (the
/// old primary after a failover, typically), the metadata is read from the nodes the receiver saw last
/// (<see cref="BackupLayout.KnownNodesFile"/>).
/// </summary>
public sealed class BackupSourceResolver(OperationContext ctx, BackupLayout layout)
{
    public async Task<(BackupSource? Source, Outcome Outcome)> ResolveAsync(string clusterConninfo, string? fromNode, CancellationToken ct)
    {
        var (connection, entryError) = await OpenEntryAsync(clusterConninfo, ct);
        if (connection is null)
        {
            return (null, Outcome.Fail(ExitCodes.DbConnection, $"cannot connect to the cluster: {entryError}",
                hint: "check conninfo in the [backup] section of pgward.conf and that the server is running"));
        }
        IReadOnlyList<NodeRecord> nodes;
        await using (connection)
        {
            var store = new MetadataStore(connection);
            nodes = await store.SchemaExistsAsync(ct) ? await store.GetNodesAsync(ct) : [];
        }

        if (nodes.Count == 0)
        {
            return fromNode is null
                ? await DescribeAsync(clusterConninfo, HostName(clusterConninfo), null, ct)
                : (null, Outcome.Fail(ExitCodes.BadConfig, $"--from {fromNode}: the server at the [backup] conninfo has no pgward metadata naming nodes",
                    hint: "register the cluster (pgward primary register) or leave out --from"));
        }

        await using var primary = await ClusterMetadata.ConnectPrimaryAsync(ctx, nodes, ct);
        if (fromNode is null)
        {
            return primary is null
                ? (null, Outcome.Fail(ExitCodes.DbConnection, "no reachable node of the cluster is running as primary",
                    hint: "take the backup from a standby with --from NODE"))
                : WithAgent(await DescribeAsync(primary.Connection, primary.Node.Conninfo, primary.Node.NodeName, null, ct), primary.Node.AgentUrl);
        }
        var chosen = nodes.FirstOrDefault(n => n.NodeName == fromNode || n.NodeId.ToString(CultureInfo.InvariantCulture) == fromNode);
        if (chosen is null || chosen.Type == NodeType.Witness)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"--from {fromNode}: no primary or standby with that name or ID is registered",
                hint: "see the nodes with: pgward cluster show"));
        }
        return WithAgent(await DescribeAsync(chosen.Conninfo, chosen.NodeName, primary?.Node.Conninfo, ct), chosen.AgentUrl);
    }

    private static (BackupSource? Source, Outcome Outcome) WithAgent((BackupSource? Source, Outcome Outcome) described, string? agentUrl) =>
        described.Source is { } source ? (source with { AgentUrl = agentUrl }, described.Outcome) : described;

    /// <summary>The configured node, else the first known node that answers; the configured node's error otherwise.</summary>
    private async Task<(NpgsqlConnection? Connection, string? Error)> OpenEntryAsync(string clusterConninfo, CancellationToken ct)
    {
        var entry = await ctx.Db.TryOpenAsync(clusterConninfo, ct);
        if (entry.Connection is { } configured)
        {
            return (configured, null);
        }
        var known = File.Exists(layout.KnownNodesFile) ? File.ReadAllLines(layout.KnownNodesFile).Where(l => l.Length > 0 && l != clusterConninfo) : [];
        foreach (var conninfo in known)
        {
            if ((await ctx.Db.TryOpenAsync(conninfo, ct)).Connection is { } connection)
            {
                return (connection, null);
            }
        }
        return (null, entry.Error);
    }

    private async Task<(BackupSource? Source, Outcome Outcome)> DescribeAsync(string conninfo, string name, string? primaryConninfo, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return (null, Outcome.Fail(ExitCodes.DbConnection, $"cannot connect to \"{name}\": {attempt.Error}"));
        }
        await using (connection)
        {
            return await DescribeAsync(connection, conninfo, name, primaryConninfo, ct);
        }
    }

    /// <summary>Describes the server over an open connection (the primary's, already open: a connection costs a TLS
    /// handshake and a SCRAM exchange).</summary>
    private static async Task<(BackupSource? Source, Outcome Outcome)> DescribeAsync(NpgsqlConnection connection, string conninfo, string name,
        string? primaryConninfo, CancellationToken ct)
    {
        // pg_settings, not current_setting(): it leaves out what the user may not see instead of failing.
        await using var cmd = new NpgsqlCommand(
            """
            SELECT system_identifier::text, current_setting('server_version_num')::int, pg_is_in_recovery(),
                   (SELECT setting FROM pg_settings WHERE name = 'data_directory'),
                   (SELECT setting FROM pg_settings WHERE name = 'config_file'),
                   (SELECT setting FROM pg_settings WHERE name = 'hba_file'),
                   (SELECT setting FROM pg_settings WHERE name = 'ident_file')
            FROM pg_control_system()
            """,
            connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var standby = reader.GetBoolean(2);
        string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
        return (new BackupSource(conninfo, name, standby, reader.GetString(0), reader.GetInt32(1), standby ? primaryConninfo : null)
        {
            Files = new ServerFiles(Text(3), Text(4), Text(5), Text(6)),
        }, Outcome.Ok);
    }

    private static string HostName(string conninfo) =>
        Conninfo.TryParse(conninfo, out var parsed, out _) ? $"{parsed!.Host ?? "localhost"}:{parsed.Port}" : "the [backup] conninfo";
}
