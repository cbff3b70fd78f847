namespace Pgward.Testing.Chaos;

/// <summary>A row a reader saw that the final primary does not hold: it was visible, then disappeared.</summary>
/// <param name="FromStandby">Read on a standby (in recovery), not on a primary.</param>
/// <param name="Unconfirmed">The row's write was never cleanly acknowledged: its answer was lost, or its success came
/// with PostgreSQL's warning that the synchronous wait was cancelled. A primary shows its own commits before any
/// standby holds them (a PostgreSQL limitation); read there, such a row may vanish with the primary.</param>
/// <param name="LocalCommit">The row's write ran with <c>synchronous_commit</c> local or off: it never waited for a
/// standby, so a failover may drop it wherever it was seen.</param>
public sealed record LostRead(long Id, string Node, bool FromStandby, TimeSpan At, bool Unconfirmed = false, bool LocalCommit = false)
{
    /// <summary>Whether the read breaks the promise that a row once seen stays: any row seen on a standby, and on a
    /// primary a row whose write was acknowledged; never a row whose commit waited for no standby.</summary>
    public bool Violation => !LocalCommit && (FromStandby || !Unconfirmed);

    public override string ToString() =>
        $"{Id} on {Node} ({(FromStandby ? "standby" : "primary")}{(Unconfirmed ? ", write unconfirmed" : "")}{(LocalCommit ? ", local commit" : "")}) at {At.TotalSeconds:0.000} s";
}
