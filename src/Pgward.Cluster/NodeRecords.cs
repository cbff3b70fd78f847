using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Tls;

namespace Pgward.Cluster;

/// <summary>Builds the metadata record of the local node from its configuration.</summary>
public static class NodeRecords
{
    public static NodeRecord FromOptions(NodeOptions options, NodeType type, int? upstreamNodeId) => new(
        NodeId: options.NodeId,
        UpstreamNodeId: upstreamNodeId,
        Active: true,
        NodeName: options.NodeName,
        Type: type,
        Location: options.Location,
        Priority: type == NodeType.Witness ? 0 : options.Priority,
        Conninfo: options.Conninfo,
        ReplUser: ReplicationUser(options),
        SlotName: options.UseReplicationSlots ? SlotName(options.NodeId) : null,
        ConfigFile: options.ConfigFile ?? "")
    {
        AgentUrl = AgentUrl(options),
    };

    /// <summary>Where this node's agent listens, from <c>agent_address</c> and <c>agent_port</c>: <c>https://</c> when
    /// the agent speaks TLS (<see cref="AgentTlsRules.IsOn"/>). An agent writes it into its own record when it starts, so
    /// turning TLS on and restarting the agent is all the other nodes need.</summary>
    public static string AgentUrl(NodeOptions options)
    {
        var host = options.AgentAddress.Contains(':', StringComparison.Ordinal) ? $"[{options.AgentAddress}]" : options.AgentAddress;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{AgentTlsRules.Scheme(options)}://{host}:{options.AgentPort}");
    }

    /// <summary><c>replication_user</c>, else the user of <c>conninfo</c>, else PostgreSQL's default.</summary>
    public static string ReplicationUser(NodeOptions options) =>
        options.ReplicationUser is { Length: > 0 } user ? user : Conninfo.Parse(options.Conninfo).User ?? "postgres";

    /// <summary>The physical replication slot a standby streams through on its upstream.</summary>
    public static string SlotName(int nodeId) => $"pgward_slot_{nodeId}";
}
