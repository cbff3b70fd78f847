using System.Globalization;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Show;

/// <summary>
/// Turns the node records and what connecting to each node showed into <c>cluster show</c>'s rows and warnings.
/// Pure: the marks follow repmgr's (<c>* running</c>, <c>! running as primary</c>, <c>? unreachable</c>, <c>- failed</c> ...).
/// </summary>
public static class ClusterStatusEvaluator
{
    public static ClusterReport Evaluate(IReadOnlyList<NodeObservation> observations, string readFrom)
    {
        var byId = observations.ToDictionary(o => o.Node.NodeId);
        var rows = observations
            .OrderBy(o => o.Node.NodeId)
            .Select(o => ToRow(o, byId))
            .ToList();
        return new ClusterReport(rows, Warnings(observations, byId), readFrom);
    }

    public static string Status(NodeObservation o)
    {
        var node = o.Node;
        return o.Reachability switch
        {
            Reachability.Unreachable => node.Active ? "? unreachable" : "- failed",
            Reachability.Rejected when node.Type == NodeType.Witness => node.Active ? "? rejected" : "! failed",
            Reachability.Rejected => node.Active ? "? running" : "! running",
            _ => RunningStatus(node, o.InRecovery == true),
        };
    }

    private static string RunningStatus(NodeRecord node, bool inRecovery) => node.Type switch
    {
        NodeType.Primary when inRecovery => "! running as standby",
        NodeType.Standby when !inRecovery => "! running as primary",
        _ when !node.Active => "! running",
        NodeType.Standby => "  running",
        _ => "* running",
    };

    private static ClusterRow ToRow(NodeObservation o, IReadOnlyDictionary<int, NodeObservation> byId)
    {
        var node = o.Node;
        var attached = AttachedToUpstream(o, byId);
        return new ClusterRow(
            node.NodeId,
            node.NodeName,
            node.Type.ToName(),
            Status(o),
            UpstreamText(o, byId, attached),
            node.Location,
            node.Priority,
            node.Type == NodeType.Witness ? "n/a" : o.Timeline?.ToString(CultureInfo.InvariantCulture) ?? "",
            Conninfo.Mask(node.Conninfo),
            o.Reachability == Reachability.Reachable,
            o.InRecovery,
            node.Active,
            attached);
    }

    /// <summary>Null when it cannot be told (the standby or its upstream is not reachable) or the node has no upstream to stream from.</summary>
    private static bool? AttachedToUpstream(NodeObservation o, IReadOnlyDictionary<int, NodeObservation> byId)
    {
        if (o.Node.Type != NodeType.Standby || o.Node.UpstreamNodeId is not { } upstreamId
            || !byId.TryGetValue(upstreamId, out var upstream)
            || o.Reachability != Reachability.Reachable || upstream.Reachability != Reachability.Reachable)
        {
            return null;
        }
        return upstream.AttachedStandbys.Contains(o.Node.NodeName, StringComparer.Ordinal);
    }

    private static string UpstreamText(NodeObservation o, IReadOnlyDictionary<int, NodeObservation> byId, bool? attached)
    {
        if (o.Node.UpstreamNodeId is not { } upstreamId)
        {
            return "";
        }
        var name = byId.TryGetValue(upstreamId, out var upstream) ? upstream.Node.NodeName : upstreamId.ToString(CultureInfo.InvariantCulture);
        if (o.Node.Type != NodeType.Standby)
        {
            return name;
        }
        return attached switch
        {
            true => name,
            false => "! " + name,
            null => "? " + name,
        };
    }

    private static List<string> Warnings(IReadOnlyList<NodeObservation> observations, IReadOnlyDictionary<int, NodeObservation> byId)
    {
        var warnings = new List<string>();
        foreach (var o in observations.OrderBy(o => o.Node.NodeId))
        {
            var node = o.Node;
            var described = node.Describe();
            if (o.Reachability != Reachability.Reachable && node.Active)
            {
                warnings.Add($"unable to connect to {described}" + (o.Error is null ? "" : $": {o.Error}"));
                if (o.Reachability == Reachability.Unreachable)
                {
                    warnings.Add($"{described} is registered as an active {node.Type.ToName()} but is unreachable");
                }
                continue;
            }
            if (o.Reachability != Reachability.Reachable)
            {
                continue;
            }
            if (!node.Active)
            {
                warnings.Add($"{described} is registered as an inactive {node.Type.ToName()} but is running");
            }
            if (node.Type == NodeType.Standby && o.InRecovery == false)
            {
                warnings.Add($"{described} is registered as standby but running as primary");
            }
            if (node.Type == NodeType.Primary && o.InRecovery == true)
            {
                warnings.Add($"{described} is registered as primary but running as standby");
            }
            if (AttachedToUpstream(o, byId) == false && byId.TryGetValue(node.UpstreamNodeId!.Value, out var upstream))
            {
                var actual = observations.FirstOrDefault(other => other.Node.NodeId != upstream.Node.NodeId
                    && other.AttachedStandbys.Contains(node.NodeName, StringComparer.Ordinal));
                warnings.Add(actual is null
                    ? $"{described} is not attached to its upstream {upstream.Node.Describe()}"
                        + (o.ApplyDelay is { } delay
                            ? $" (a delayed standby, recovery_min_apply_delay = {delay}: after a failover it attaches once it has replayed what it holds back)"
                            : "")
                    : $"{described} follows {actual.Node.Describe()}, not its registered upstream {upstream.Node.Describe()}");
            }
        }

        var primaries = observations
            .Where(o => o.Node.Type != NodeType.Witness && o.Reachability == Reachability.Reachable && o.InRecovery == false)
            .ToList();
        if (primaries.Count > 1)
        {
            warnings.Add("more than one node is running as primary: " + string.Join(", ", primaries.Select(p => p.Node.Describe())));
        }
        return warnings;
    }
}
