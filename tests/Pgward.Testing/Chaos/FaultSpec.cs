namespace Pgward.Testing.Chaos;

/// <summary>A fault a schedule may draw: its kind, how long it lasts (uniform between the bounds) and what it may hit
/// (uniform among the targets).</summary>
/// <param name="Weight">How often it is drawn relative to the other faults. Default 1.</param>
public sealed record FaultSpec(FaultKind Kind, TimeSpan MinDuration, TimeSpan MaxDuration, IReadOnlyList<FaultTarget> Targets, double Weight = 1);
