namespace Pgward.Core.Metadata;

/// <summary>The role a node is registered with (<c>pgward.nodes.type</c>).</summary>
public enum NodeType
{
    Primary,
    Standby,
    Witness,
}
