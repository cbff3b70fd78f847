namespace Pgward.Cluster.Rejoin;

/// <summary>What <c>node rejoin</c> will do with the local data directory, decided by <see cref="RejoinPolicy"/>.</summary>
public abstract record RejoinVerdict(string Reason)
{
    /// <summary>The node's history is part of the primary's: write the standby configuration and start.</summary>
    public sealed record NoRewind(string Reason) : RejoinVerdict(Reason);

    /// <summary>The node has WAL the primary never had: pg_rewind first.</summary>
    public sealed record Rewind(string Reason) : RejoinVerdict(Reason);

    /// <summary>The node cannot be rewound and <c>--reclone</c> was given: clone it afresh from the primary.</summary>
    public sealed record Reclone(string Reason) : RejoinVerdict(Reason);

    /// <summary>Nothing is done; <see cref="RejoinVerdict.Reason"/> is the error, with a detail and what to do.</summary>
    public sealed record Refuse(string Reason, string? Detail, string? Hint) : RejoinVerdict(Reason);
}
