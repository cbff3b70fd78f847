namespace Pgward.Testing.Chaos;

/// <summary>A row a reader saw that the final primary does not hold: it was visible, then disappeared.</summary>
/// <param name="FromStandby">Read on a standby (in recovery), not on a primary.</param>
/// <param name="Unconfirmed">The row's write was never cleanly acknowledged: its answer was lost, or its success came
/// with PostgreSQL's warning that the synchronous wait was cancelled. A primary shows its own commits before any
/// standby holds them (a PostgreSQL limitation); read there, such a row may vanish with the primary.</param>
public sealed record LostRead(long Id, string Node, bool FromStandby, TimeSpan At, bool Unconfirmed = false)
{
    /// <summary>Whether the read breaks the promise that a row once seen stays: any row seen on a standby, and on a
    /// primary a row whose write was acknowledged.</summary>
    public bool Violation => FromStandby || !Unconfirmed;

    public override string ToString() =>
        $"{Id} on {Node} ({(FromStandby ? "standby" : "primary")}{(Unconfirmed ? ", write unconfirmed" : "")}) at {At.TotalSeconds:0.000} s";
}
