namespace Pgward.Core.Metadata;

/// <summary>The spelling of <see cref="NodeType"/> in the metadata tables and in output.</summary>
public static class NodeTypeNames
{
    public static string ToName(this NodeType type) => type switch
    {
        NodeType.Primary => "primary",
        NodeType.Standby => "standby",
        NodeType.Witness => "witness",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static NodeType Parse(string name) => name switch
    {
        "primary" => NodeType.Primary,
        "standby" => NodeType.Standby,
        "witness" => NodeType.Witness,
        _ => throw new FormatException($"unknown node type \"{name}\" in pgward.nodes"),
    };
}
