namespace Pgward.Testing.Chaos;

/// <summary>One fault of a schedule, times from the scenario's start.</summary>
/// <param name="Choice">A number in [0, 1) drawn from the seed, for the nemesis to pick among candidates that are only
/// known when the fault starts (which standby, which majority) without a random source of its own.</param>
public sealed record PlannedFault(TimeSpan Start, FaultKind Kind, FaultTarget Target, TimeSpan Duration, double Choice)
{
    public TimeSpan End => Start + Duration;

    public override string ToString() => $"{Start.TotalSeconds,8:0.000} s  {Kind.Id(),-18} {Target,-8} for {Duration.TotalSeconds:0.000} s";
}
