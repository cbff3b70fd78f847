namespace Pgward.Testing.Chaos;

/// <summary>A row a reader saw that the final primary does not hold: it was visible, then disappeared.</summary>
public sealed record LostRead(long Id, string Node, bool FromStandby, TimeSpan At);
