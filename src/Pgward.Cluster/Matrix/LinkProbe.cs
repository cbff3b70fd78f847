namespace Pgward.Cluster.Matrix;

/// <summary>Whether a node connected to the PostgreSQL of <paramref name="TargetId"/>, and why not.</summary>
public sealed record LinkProbe(int TargetId, bool Ok, string? Error = null);
