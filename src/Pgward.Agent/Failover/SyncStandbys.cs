using System.Text;
using Pgward.Cluster.Operations;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Failover;

/// <summary>
/// <c>replication_mode = sync</c>: the primary's <c>synchronous_standby_names</c> is <c>ANY k (…)</c> over the other
/// data nodes, so that a commit is acknowledged only once k of them flushed it, and set again when that changes.
/// </summary>
public static class SyncStandbys
{
    public static IReadOnlyList<string> Names(IReadOnlyList<NodeRecord> voters, int self) =>
        [.. voters.Where(n => n.NodeId != self && n.Type != NodeType.Witness).Select(n => n.NodeName).Order(StringComparer.Ordinal)];

    /// <summary>The setting's value, e.g. <c>ANY 1 ("node2", "node3")</c>.</summary>
    public static string Setting(IReadOnlyList<string> names, int k)
    {
        var list = new StringBuilder();
        foreach (var name in names)
        {
            list.Append(list.Length == 0 ? "" : ", ").Append('"').Append(name.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        return $"ANY {Math.Min(k, names.Count)} ({list})";
    }

    /// <summary>Sets and reloads the value when the server has another one.</summary>
    public static Task EnsureAsync(DbConnector db, string conninfo, string current, string wanted, CancellationToken ct) =>
        current == wanted ? Task.CompletedTask : SetAsync(db, conninfo, wanted, ct);

    /// <summary>Sets the value and reloads the configuration; a standby keeps it for the day it is promoted.</summary>
    public static async Task SetAsync(DbConnector db, string conninfo, string wanted, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(conninfo, ct);
        await ServerSettings.SetAsync(connection, [("synchronous_standby_names", wanted)], ct);
    }
}
