namespace Pgward.Testing.Chaos;

/// <summary>
/// A deterministic list of faults drawn from a seed: quiet gap, fault, quiet gap, fault..., each fault ending before
/// the scenario's recovery tail. Reproducing a failed run needs only its scenario and seed.
/// </summary>
public sealed record FaultSchedule(int Seed, IReadOnlyList<PlannedFault> Faults)
{
    public static FaultSchedule Create(FaultScheduleOptions options)
    {
        options.Validate();
        // new Random(seed) runs the same seeded algorithm on every .NET version and machine; Random.Shared does not repeat.
        var random = new Random(options.Seed);
        var lastEnd = options.ScenarioDuration - options.Recovery;
        var totalWeight = options.Faults.Sum(f => f.Weight);
        var faults = new List<PlannedFault>();
        var at = Between(random, options.MinQuiet, options.MaxQuiet);
        // Each turn moves `at` forward by at least MinQuiet (> 0), so the loop ends.
        while (at < lastEnd)
        {
            var spec = Pick(random, options.Faults, totalWeight);
            var target = spec.Targets[random.Next(spec.Targets.Count)];
            var duration = Between(random, spec.MinDuration, spec.MaxDuration);
            var choice = random.NextDouble();
            if (at + duration > lastEnd)
            {
                // The fault drawn does not fit before the recovery tail: shortened if its minimum fits, else the end.
                if (at + spec.MinDuration > lastEnd)
                {
                    break;
                }
                duration = lastEnd - at;
            }
            faults.Add(new PlannedFault(at, spec.Kind, target, duration, choice));
            at = (options.AllowOverlap ? at : at + duration) + Between(random, options.MinQuiet, options.MaxQuiet);
        }
        return new FaultSchedule(options.Seed, faults);
    }

    public override string ToString() => $"seed {Seed}, {Faults.Count} faults" + string.Concat(Faults.Select(f => Environment.NewLine + f));

    private static FaultSpec Pick(Random random, IReadOnlyList<FaultSpec> faults, double totalWeight)
    {
        var point = random.NextDouble() * totalWeight;
        foreach (var fault in faults)
        {
            point -= fault.Weight;
            if (point < 0)
            {
                return fault;
            }
        }
        return faults[^1];
    }

    /// <summary>Uniform in [min, max], to the millisecond so that printed schedules are exact.</summary>
    private static TimeSpan Between(Random random, TimeSpan min, TimeSpan max)
    {
        var drawn = TimeSpan.FromMilliseconds(Math.Round(min.TotalMilliseconds + random.NextDouble() * (max - min).TotalMilliseconds));
        return drawn < min ? min : drawn > max ? max : drawn;
    }
}
