namespace Pgward.Cluster.Matrix;

/// <summary>One cell of the connectivity matrix. The order matters to <see cref="Crosscheck"/>: a known state beats unknown.</summary>
public enum LinkStatus
{
    /// <summary>Nobody could say: the source node's agent did not answer (<c>?</c>, CSV -2).</summary>
    Unknown,

    /// <summary>The source could not connect to the target's PostgreSQL (<c>x</c>, CSV -1).</summary>
    Failed,

    /// <summary>The source connected to the target's PostgreSQL (<c>*</c>, CSV 0).</summary>
    Ok,
}
