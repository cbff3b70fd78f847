using Pgward.Cluster.Agents;
using Pgward.Cluster.Show;
using Pgward.Core.Metadata;

namespace Pgward.Agent.Dashboard;

/// <summary>Turns what a refresh gathered into what the page draws. Pure.</summary>
public static class DashboardShaper
{
    /// <summary>How many events and backups per server the page lists.</summary>
    public const int EventCount = 25;

    public const int BackupCount = 5;

    public static DashboardState Shape(DashboardInputs inputs)
    {
        if (inputs.Nodes is not { } records)
        {
            return new DashboardState(inputs.Now, inputs.ServedBy, inputs.MetadataProblem ?? "the cluster metadata cannot be read", [], [], [], []);
        }
        var rows = inputs.Show?.Rows.ToDictionary(r => r.Id) ?? [];
        var names = records.ToDictionary(r => r.NodeId, r => r.NodeName);
        var nodes = records
            .OrderBy(r => r.NodeId)
            .Select(r => Node(r, rows.GetValueOrDefault(r.NodeId), inputs.Agents.GetValueOrDefault(r.NodeId), names))
            .ToList();
        var warnings = inputs.Show is { } show ? show.Warnings.Concat(show.LayoutWarning is { } layout ? [layout] : []).ToList() : [];
        var servers = BackupServerRows.From(inputs.BackupServers.Rows, inputs.BackupServers.ReadAt)
            .Select(row => Server(row, inputs.BackupServers.Rows.First(s => s.Name == row.Name), inputs))
            .ToList();
        return new DashboardState(inputs.Now, inputs.ServedBy, null, nodes, warnings, [.. inputs.Events.Take(EventCount)], servers);
    }

    /// <summary>The role a node runs as now: what <c>cluster show</c> just saw over a connection, else its agent's
    /// word while its server runs, else down. The record's role alone would show a promoted standby as a standby until
    /// the promotion is written to <c>pgward.nodes</c>, and a dead primary as the primary; the connection comes first
    /// because the agent's probe may be up to half a second old.</summary>
    public static string LiveRole(NodeRecord record, ClusterRow? row, NodeReport? report) => (row, report) switch
    {
        ({ Reachable: true }, _) when record.Type == NodeType.Witness => "witness",
        ({ Reachable: true, InRecovery: { } inRecovery }, _) => inRecovery ? "standby" : "primary",
        (_, { PgRunning: true, Role: var role and not "unknown" }) => role,
        _ => "down",
    };

    private static DashboardNode Node(NodeRecord record, ClusterRow? row, AgentReply<NodeReport>? agent, IReadOnlyDictionary<int, string> names)
    {
        var report = agent is { Succeeded: true } ? agent.Body : null;
        var problem = record.AgentUrl is null ? "no agent URL registered"
            : agent is null ? "not asked"
            : report is null ? agent.Error ?? $"agent answered {agent.StatusCode}"
            : null;
        return new DashboardNode(
            record.NodeId,
            record.NodeName,
            LiveRole(record, row, report),
            record.Type.ToName(),
            row?.Status ?? (record.Active ? "unknown" : "- inactive"),
            record.UpstreamNodeId,
            record.UpstreamNodeId is { } up ? names.GetValueOrDefault(up) : null,
            record.Location,
            record.Priority,
            report?.Timeline is { } timeline ? timeline.ToString(System.Globalization.CultureInfo.InvariantCulture) : row?.Timeline ?? "?",
            record.AgentUrl,
            problem,
            report?.Lsn,
            report?.LagBytes,
            report?.UpstreamLastSeenSecondsAgo,
            report?.WalReceiver,
            report?.FailoverTerm,
            report?.FailoverState,
            report?.FailoverNote,
            report?.Fenced ?? false,
            report?.Paused);
    }

    private static DashboardBackupServer Server(BackupServerRow row, BackupServerRecord record, DashboardInputs inputs)
    {
        var slot = inputs.Slots.GetValueOrDefault(record.SlotName);
        var list = inputs.BackupLists.GetValueOrDefault(record.Name);
        var problem = record.Endpoint is null ? "serves no endpoint (no agent_token in its pgward.conf)"
            : list is null ? null
            : list.Succeeded ? null
            : list.Error ?? $"answered {list.StatusCode}";
        return new DashboardBackupServer(row.Name, row.Host, row.Status, row.LastSeen, row.LastBackupId, row.LastBackupTime,
            slot?.Active, slot?.LagBytes, list is { Succeeded: true, Body: { } backups } ? [.. backups.Take(BackupCount)] : null, problem);
    }
}
