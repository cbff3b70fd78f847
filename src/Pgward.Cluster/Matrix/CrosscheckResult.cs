namespace Pgward.Cluster.Matrix;

/// <summary>The merged matrix and the problems met on the way, printed as warnings before the table.</summary>
public sealed record CrosscheckResult(ConnectivityMatrix Matrix, IReadOnlyList<string> Warnings);
