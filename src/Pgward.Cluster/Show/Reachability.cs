namespace Pgward.Cluster.Show;

public enum Reachability
{
    /// <summary>Connected and queried.</summary>
    Reachable,

    /// <summary>A server answered but refused the connection.</summary>
    Rejected,

    /// <summary>Nothing answered.</summary>
    Unreachable,
}
