using Npgsql;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal;

/// <summary>
/// Finds the cluster's primary from the backup server: reads pgward.nodes from the configured node or any node
/// seen before (saved in <see cref="BackupLayout.KnownNodesFile"/>), then asks every data node whether it is in
/// recovery. Of the nodes that are not, the one on the newest timeline wins: a former primary that came back
/// unfenced is behind the promoted one. A cluster without pgward metadata is served by the configured node alone.
/// </summary>
public sealed class PrimaryLocator(string configuredConninfo, BackupLayout layout, DbConnector db)
{
    /// <summary>Standbys (by conninfo) seen during the last <see cref="FindAsync"/>.</summary>
    public IReadOnlyList<PrimaryNode> Standbys { get; private set; } = [];

    public async Task<(PrimaryNode? Primary, string? Problem)> FindAsync(CancellationToken ct)
    {
        var (nodes, problem) = await ReadNodesAsync(ct);
        var candidates = nodes is null
            ? [new PrimaryNode("the configured node", configuredConninfo, 0)]
            : nodes.Where(n => n.Type != NodeType.Witness).Select(n => new PrimaryNode(n.Describe(), ReplicationConninfo(n), 0)).ToList();
        if (nodes is null && problem is not null)
        {
            return (null, problem);
        }

        PrimaryNode? best = null;
        var seen = new List<string>();
        var standbys = new List<PrimaryNode>();
        foreach (var candidate in candidates)
        {
            var attempt = await db.TryOpenAsync(candidate.Conninfo, ct);
            if (attempt.Connection is not { } connection)
            {
                seen.Add($"{candidate.Name}: {attempt.Error}");
                continue;
            }
            await using (connection)
            {
                await using var cmd = new NpgsqlCommand($"SELECT pg_is_in_recovery(), ({TimelineSql.Expression})::int", connection);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                if (reader.GetBoolean(0))
                {
                    seen.Add($"{candidate.Name}: in recovery");
                    standbys.Add(candidate);
                }
                else if (best is null || reader.GetInt32(1) > best.Timeline)
                {
                    best = candidate with { Timeline = (uint)reader.GetInt32(1) };
                }
            }
        }
        Standbys = standbys;
        return best is null ? (null, "no node of the cluster is running as primary (" + string.Join("; ", seen) + ")") : (best, null);
    }

    /// <summary>Reads the node records again, only to save them as the known nodes: a node registered after the receiver
    /// last looked is then where it finds the metadata when the configured node is down. Problems are the receiver's
    /// to report; this is a cache.</summary>
    public async Task RefreshKnownNodesAsync(CancellationToken ct)
    {
        try
        {
            await ReadNodesAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            // The next refresh, or the receiver, tries again.
        }
    }

    /// <summary>The node records from the first node that has them; null nodes with no problem when the configured
    /// node answers but has no pgward schema (a cluster not managed by pgward).</summary>
    private async Task<(IReadOnlyList<NodeRecord>? Nodes, string? Problem)> ReadNodesAsync(CancellationToken ct)
    {
        var problems = new List<string>();
        var configuredAnswered = false;
        foreach (var conninfo in new[] { configuredConninfo }.Concat(LoadKnownNodes()).Distinct())
        {
            var attempt = await db.TryOpenAsync(conninfo, ct);
            if (attempt.Connection is not { } connection)
            {
                problems.Add(attempt.Error ?? "unreachable");
                continue;
            }
            await using (connection)
            {
                configuredAnswered |= conninfo == configuredConninfo;
                var store = new MetadataStore(connection);
                if (await store.SchemaExistsAsync(ct))
                {
                    var nodes = await store.GetNodesAsync(ct);
                    SaveKnownNodes(nodes);
                    return (nodes, null);
                }
            }
        }
        return configuredAnswered
            ? (null, null)
            : (null, "cannot reach the cluster: " + string.Join("; ", problems.Distinct()));
    }

    private static string ReplicationConninfo(NodeRecord node) =>
        node.ReplUser is { Length: > 0 } user ? Conninfo.Parse(node.Conninfo).With("user", user).ToString() : node.Conninfo;

    private IEnumerable<string> LoadKnownNodes() =>
        File.Exists(layout.KnownNodesFile) ? File.ReadAllLines(layout.KnownNodesFile).Where(l => l.Length > 0) : [];

    private void SaveKnownNodes(IReadOnlyList<NodeRecord> nodes)
    {
        var lines = nodes.Where(n => n.Type != NodeType.Witness).Select(n => n.Conninfo).ToList();
        if (!Directory.Exists(layout.Root) || (File.Exists(layout.KnownNodesFile) && File.ReadAllLines(layout.KnownNodesFile).SequenceEqual(lines)))
        {
            return;
        }
        // 0600, not even the group: a conninfo may hold a password.
        Core.IO.DurableFile.WriteAllLines(layout.KnownNodesFile, lines);
    }
}
