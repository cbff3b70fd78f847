namespace Pgward.Failover.Actions;

/// <summary>A majority of voters acknowledged this primary in <paramref name="Term"/> again: lift the fence.</summary>
public sealed record Unfence(long Term) : FailoverAction;
