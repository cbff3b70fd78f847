namespace Pgward.Testing.Chaos;

/// <summary>What a <see cref="FaultSchedule"/> is drawn from.</summary>
/// <param name="Seed">The same seed gives the same schedule.</param>
/// <param name="ScenarioDuration">Every fault ends by <c>ScenarioDuration - Recovery</c>.</param>
public sealed record FaultScheduleOptions(int Seed, TimeSpan ScenarioDuration, IReadOnlyList<FaultSpec> Faults)
{
    /// <summary>Shortest quiet time between the end of a fault and the start of the next (between starts when
    /// <see cref="AllowOverlap"/>), and before the first. Default 5 s.</summary>
    public TimeSpan MinQuiet { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest quiet time. Default 15 s.</summary>
    public TimeSpan MaxQuiet { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Quiet time kept at the end of the scenario, for the cluster to heal before the final reads. Default 10 s.</summary>
    public TimeSpan Recovery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When true the quiet time separates the starts of faults, so that a fault may begin while the previous
    /// one lasts. Default false: faults never overlap.</summary>
    public bool AllowOverlap { get; init; }

    /// <summary>Throws naming the first setting that cannot give a schedule.</summary>
    public void Validate()
    {
        Require(Faults.Count > 0, "no faults to draw from: give at least one FaultSpec");
        Require(MinQuiet > TimeSpan.Zero && MaxQuiet >= MinQuiet, $"quiet time {MinQuiet}..{MaxQuiet}: MinQuiet must be more than 0 and at most MaxQuiet");
        Require(Recovery >= TimeSpan.Zero && ScenarioDuration > Recovery, $"ScenarioDuration {ScenarioDuration} must exceed Recovery {Recovery}");
        foreach (var fault in Faults)
        {
            Require(fault.MinDuration >= TimeSpan.Zero && fault.MaxDuration >= fault.MinDuration,
                $"{fault.Kind.Id()}: duration {fault.MinDuration}..{fault.MaxDuration} must be 0 or more and MinDuration at most MaxDuration");
            Require(fault.Targets.Count > 0, $"{fault.Kind.Id()}: give at least one target");
            Require(fault.Weight > 0 && double.IsFinite(fault.Weight), $"{fault.Kind.Id()}: weight {fault.Weight} must be more than 0");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
