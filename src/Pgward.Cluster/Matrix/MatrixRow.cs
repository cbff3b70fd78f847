namespace Pgward.Cluster.Matrix;

/// <summary>
/// A source node's row: the probes its agent reported, or null <paramref name="Links"/> when the row is unknown
/// (then <paramref name="Error"/> says why).
/// </summary>
public sealed record MatrixRow(int NodeId, string NodeName, IReadOnlyList<LinkProbe>? Links, string? Error = null)
{
    public static MatrixRow Unknown(int nodeId, string nodeName, string error) => new(nodeId, nodeName, null, error);

    public LinkStatus StatusTo(int targetId) => Links?.FirstOrDefault(l => l.TargetId == targetId) switch
    {
        null => LinkStatus.Unknown,
        { Ok: true } => LinkStatus.Ok,
        _ => LinkStatus.Failed,
    };

    public string? ErrorTo(int targetId) =>
        Links is null ? Error : Links.FirstOrDefault(l => l.TargetId == targetId)?.Error;
}
