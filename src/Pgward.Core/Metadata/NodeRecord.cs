namespace Pgward.Core.Metadata;

/// <summary>
/// One row of <c>pgward.nodes</c>: repmgr's columns, so <c>SELECT * FROM pgward.nodes</c> reads familiar, plus
/// <see cref="AgentUrl"/>, where the CLI reaches the node's agent (<c>pgward daemon run</c>).
/// </summary>
public sealed record NodeRecord(
    int NodeId,
    int? UpstreamNodeId,
    bool Active,
    string NodeName,
    NodeType Type,
    string Location,
    int Priority,
    string Conninfo,
    string ReplUser,
    string? SlotName,
    string ConfigFile)
{
    /// <summary>Base URL of the node's agent, e.g. <c>https://10.0.0.2:8008</c> (<c>http://</c> without TLS); null for a record written without one.</summary>
    public string? AgentUrl { get; init; }

    /// <summary>How nodes are named in messages: <c>node "node2" (ID: 2)</c>.</summary>
    public string Describe() => $"node \"{NodeName}\" (ID: {NodeId})";
}
