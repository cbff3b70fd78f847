using System.Globalization;
using Pgward.Cli.Json;
using Pgward.Cluster.Checks;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cli.Commands;

/// <summary><c>node status</c>: repmgr's overview of the local node, as text or JSON.</summary>
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
            f.Timeline);
    }

    public static void WriteText(TextWriter output, NodeStatusJson s)
    {
        output.WriteLine($"Node \"{s.NodeName}\":");
        if (!s.Running)
        {
            output.WriteLine($"\tServer: not running ({s.Error})");
            output.WriteLine($"\tConninfo: {s.Conninfo}");
            return;
        }
        output.WriteLine($"\tPostgreSQL version: {s.PostgresqlVersion}");
        output.WriteLine($"\tTotal data size: {Size(s.TotalDataSizeBytes ?? 0)}");
        output.WriteLine($"\tConninfo: {s.Conninfo}");
        output.WriteLine($"\tRole: {s.Role}" + (s.RegisteredAs is { } r && r != s.Role ? $" (registered as {r})" : ""));
        output.WriteLine($"\tTimeline: {s.Timeline}");
        output.WriteLine($"\tWAL archiving: {s.WalArchiving}");
        output.WriteLine($"\tWALs pending archiving: {(s.WalsPendingArchiving is { } n ? $"{n} pending files" : "unknown")}");
        output.WriteLine($"\tReplication connections: {s.ReplicationConnections} (of maximal {s.MaxWalSenders})");
        output.WriteLine($"\tReplication slots: {s.PhysicalSlots} physical (of maximal {s.MaxReplicationSlots})");
        if (s.Role == "standby")
        {
            output.WriteLine($"\tUpstream node: {s.UpstreamNode ?? "(none registered)"}");
            output.WriteLine($"\tReplication lag: {s.ReplicationLagSeconds} seconds");
            output.WriteLine($"\tLast received LSN: {s.LastReceivedLsn}");
            output.WriteLine($"\tLast replayed LSN: {s.LastReplayedLsn}");
        }
        else
        {
            output.WriteLine("\tReplication lag: n/a");
        }
    }

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
