using System.Globalization;
using Pgward.Cli.Json;
using Pgward.Cli.Output;
using Pgward.Cluster.Checks;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cli.Commands;

/// <summary><c>node status</c>: repmgr's overview of the local node, as text, CSV or JSON.</summary>
internal static class NodeStatusView
{
    public static NodeStatusJson From(NodeCheckInput input)
    {
        var options = input.Options;
        var masked = Conninfo.Mask(options.Conninfo);
        if (input.Facts is not { } f)
        {
            return new NodeStatusJson(options.NodeId, options.NodeName, false, input.ConnectError, null, null, masked,
                null, input.Self?.Type.ToName(), null, null, null, null, null, null, null, null, null, null, null);
        }
        var upstream = input.Self?.UpstreamNodeId is { } id && input.Nodes.FirstOrDefault(n => n.NodeId == id) is { } u
            ? $"{u.NodeName} (ID: {u.NodeId})"
            : null;
        return new NodeStatusJson(
            options.NodeId, options.NodeName, true, null, f.ServerVersion, f.DataSizeBytes, masked,
            f.InRecovery ? "standby" : "primary",
            input.Self?.Type.ToName(),
            Archiving(f),
            f.ArchiveReadyCount,
            f.Downstream.Count,
            f.MaxWalSenders,
            f.Slots.Count(s => s.SlotType == "physical"),
            f.MaxReplicationSlots,
            f.InRecovery ? upstream : null,
            f.InRecovery ? NodeCheckEvaluator.LagSeconds(f) : null,
            f.InRecovery ? f.ReceiveLsn?.ToString() : null,
            f.InRecovery ? f.ReplayLsn?.ToString() : null,
            f.Timeline,
            f.ApplyDelay > TimeSpan.Zero ? Core.Config.ApplyDelays.Format(f.ApplyDelay) : null);
    }

    public static void WriteText(TextWriter output, NodeStatusJson s)
    {
        output.WriteLine($"Node \"{s.NodeName}\":");
        foreach (var (key, value) in Rows(s))
        {
            output.WriteLine($"\t{key}: {value}");
        }
    }

    /// <summary>repmgr's <c>node status --csv</c>: the node's name and ID, then a quoted row per line of the text.</summary>
    public static void WriteCsv(TextWriter output, NodeStatusJson s)
    {
        output.WriteLine(Csv.QuotedLine("Node name", s.NodeName));
        output.WriteLine(Csv.QuotedLine("Node ID", s.NodeId.ToString(CultureInfo.InvariantCulture)));
        foreach (var (key, value) in Rows(s))
        {
            output.WriteLine(Csv.QuotedLine(key, value));
        }
    }

    private static List<(string Key, string Value)> Rows(NodeStatusJson s)
    {
        if (!s.Running)
        {
            return [("Server", $"not running ({s.Error})"), ("Conninfo", s.Conninfo)];
        }
        var rows = new List<(string, string)>
        {
            ("PostgreSQL version", s.PostgresqlVersion ?? ""),
            ("Total data size", Size(s.TotalDataSizeBytes ?? 0)),
            ("Conninfo", s.Conninfo),
            ("Role", s.Role + (s.RegisteredAs is { } r && r != s.Role ? $" (registered as {r})" : "")),
            ("Timeline", Invariant($"{s.Timeline}")),
            ("WAL archiving", s.WalArchiving ?? ""),
            ("WALs pending archiving", s.WalsPendingArchiving is { } n ? Invariant($"{n} pending files") : "unknown"),
            ("Replication connections", Invariant($"{s.ReplicationConnections} (of maximal {s.MaxWalSenders})")),
            ("Replication slots", Invariant($"{s.PhysicalSlots} physical (of maximal {s.MaxReplicationSlots})")),
        };
        if (s.Role == "standby")
        {
            rows.Add(("Upstream node", s.UpstreamNode ?? "(none registered)"));
            rows.Add(("Replication lag", Invariant($"{s.ReplicationLagSeconds} seconds")));
            rows.Add(("Last received LSN", s.LastReceivedLsn ?? ""));
            rows.Add(("Last replayed LSN", s.LastReplayedLsn ?? ""));
            if (s.ApplyDelay is { } delay)
            {
                rows.Add(("Apply delay", $"{delay} (recovery_min_apply_delay: a delayed standby, never promoted automatically)"));
            }
        }
        else
        {
            rows.Add(("Replication lag", "n/a"));
        }
        return rows;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Archiving(ServerFacts f) => f.ArchiveMode switch
    {
        "off" => "disabled",
        "on" when f.InRecovery => "disabled (on standbys \"archive_mode\" must be set to \"always\" to be effective)",
        _ => "enabled",
    };

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 10} kB"),
    };
}
