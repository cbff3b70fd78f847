namespace Pgward.Core.Metadata;

/// <summary>One row of <c>pgward.nodes</c>: repmgr's columns, so <c>SELECT * FROM pgward.nodes</c> reads familiar.</summary>
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
    /// <summary>How nodes are named in messages: <c>node "node2" (ID: 2)</c>.</summary>
    public string Describe() => $"node \"{NodeName}\" (ID: {NodeId})";
}
