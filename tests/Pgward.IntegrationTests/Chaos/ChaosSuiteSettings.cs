using System.Globalization;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>
/// What the suite runs, from the environment (set by <c>scripts/chaos</c>); without it, the CI subset.
/// <c>PGWARD_CHAOS_SCENARIOS</c>: <c>all</c>, or names with an optional mode (<c>cut-primary:sync,mixed</c>; no mode
/// means both); <c>PGWARD_CHAOS_SEED</c>: the first seed (default 1; each later run takes the next);
/// <c>PGWARD_CHAOS_DURATION</c>: seconds of faults per run (default 20); <c>PGWARD_CHAOS_TIME</c>: minutes to keep
/// going round the list (default: once round); <c>PGWARD_CHAOS_JSON</c>: where the report goes.
/// </summary>
public sealed record ChaosSuiteSettings(IReadOnlyList<(string Scenario, string Mode)> Runs, int Seed, TimeSpan Duration, TimeSpan? Budget, string? JsonPath)
{
    public static ChaosSuiteSettings FromEnvironment()
    {
        var runs = Environment.GetEnvironmentVariable("PGWARD_CHAOS_SCENARIOS") is { Length: > 0 } list ? Parse(list) : ChaosScenarios.Ci;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PGWARD_CHAOS_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 1;
        var duration = double.TryParse(Environment.GetEnvironmentVariable("PGWARD_CHAOS_DURATION"), CultureInfo.InvariantCulture, out var d) ? d : 20;
        TimeSpan? budget = double.TryParse(Environment.GetEnvironmentVariable("PGWARD_CHAOS_TIME"), CultureInfo.InvariantCulture, out var m) ? TimeSpan.FromMinutes(m) : null;
        return new ChaosSuiteSettings(runs, seed, TimeSpan.FromSeconds(duration), budget, Environment.GetEnvironmentVariable("PGWARD_CHAOS_JSON"));
    }

    /// <summary>How long the test may take: the budget, or each run's faults plus its start and checks (~75 s; a minute
    /// more with a backup server, for its setup and the recovery of its backup).</summary>
    public TimeSpan Deadline =>
        (Budget ?? TimeSpan.FromTicks(Runs.Sum(r => (Duration + TimeSpan.FromSeconds(ChaosScenarios.Find(r.Scenario).UsesBackupServer ? 135 : 75)).Ticks)))
        + TimeSpan.FromMinutes(5);

    private static List<(string, string)> Parse(string list)
    {
        var runs = new List<(string, string)>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, mode) = item.IndexOf(':') is var colon and > 0 ? (item[..colon], item[(colon + 1)..]) : (item, "");
            var scenarios = name == "all" ? ChaosScenarios.All : [ChaosScenarios.Find(name)];
            if (mode is not ("" or "sync" or "async"))
            {
                throw new ArgumentException($"mode \"{mode}\" in \"{item}\": give sync or async, or no mode for both");
            }
            foreach (var scenario in scenarios)
            {
                runs.AddRange(mode.Length > 0 ? [(scenario.Name, mode)] : [(scenario.Name, "sync"), (scenario.Name, "async")]);
            }
        }
        return runs;
    }
}
