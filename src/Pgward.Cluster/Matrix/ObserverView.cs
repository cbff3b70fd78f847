namespace Pgward.Cluster.Matrix;

/// <summary>
/// The matrix as node <paramref name="NodeId"/>'s agent gathered it from its host (<c>GET /connectivity/matrix</c>),
/// or null <paramref name="View"/> when it could not be asked (then <paramref name="Error"/> says why).
/// </summary>
public sealed record ObserverView(int NodeId, ConnectivityMatrix? View, string? Error = null);
