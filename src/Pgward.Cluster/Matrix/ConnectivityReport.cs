namespace Pgward.Cluster.Matrix;

/// <summary>What the agent's <c>GET /connectivity</c> answers: its node's row of the matrix, one probe per registered node.</summary>
public sealed record ConnectivityReport(int NodeId, string NodeName, IReadOnlyList<LinkProbe> Links);
