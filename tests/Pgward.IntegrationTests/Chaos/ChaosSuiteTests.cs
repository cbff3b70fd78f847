using Pgward.Testing;
using Pgward.Testing.Chaos;
using Xunit;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>
/// The fault-injection suite (issue 6): seeded fault schedules against a networked cluster, judged by what clients saw
/// and what every node holds. The CI subset runs by default; <c>scripts/chaos</c> chooses scenarios, seed and time.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosSuiteTests : PgIntegrationTest
{
    private static readonly ChaosSuiteSettings Settings = ChaosSuiteSettings.FromEnvironment();

    protected override TimeSpan Deadline => Settings.Deadline;

    [Fact]
    public async Task Chaos_suite_loses_no_acknowledged_write_in_sync_mode_and_never_lets_two_primaries_take_writes()
    {
        var runner = new ChaosRunner(Directory, Log);
        var results = new List<ChaosRunResult>();
        var errors = new List<string>();
        var budget = Settings.Budget;
        var started = TimeProvider.System.GetTimestamp();
        var seed = Settings.Seed;
        do
        {
            foreach (var (name, mode) in Settings.Runs)
            {
                if (budget is { } b && results.Count > 0 && TimeProvider.System.GetElapsedTime(started) > b)
                {
                    break;
                }
                var runSeed = seed++;
                try
                {
                    results.Add(await runner.RunAsync(ChaosScenarios.Find(name), mode, runSeed, Settings.Duration, "", Token));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The harness itself failed (a cluster that would not start ...): noted, and the soak goes on.
                    errors.Add($"ERROR scenario={name} mode={mode} seed={runSeed}: {e.GetType().Name}: {e.Message}");
                    Log(errors[^1]);
                }
                if (Settings.JsonPath is { } progress)
                {
                    await new ChaosReport(results).WriteJsonAsync(progress, Token);
                }
            }
        }
        while (budget is { } limit && TimeProvider.System.GetElapsedTime(started) < limit);

        var report = new ChaosReport(results);
        Log(report.ToTable());
        if (Settings.JsonPath is { } path)
        {
            await report.WriteJsonAsync(path, Token);
        }
        errors.ForEach(Log);
        Assert.True(report.Passed && errors.Count == 0,
            string.Join("\n", report.VerdictLines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).Concat(errors)));
    }

    [Theory]
    [InlineData("cut-primary", "no-fencing")]
    [InlineData("cut-standby", "no-quorum")]
    public async Task The_suite_fails_naming_scenario_and_seed_when_a_safety_rule_is_switched_off(string scenario, string unsafeFaults)
    {
        const int Seed = 1;
        var result = await new ChaosRunner(Directory, Log).RunAsync(ChaosScenarios.Find(scenario), "async", Seed, TimeSpan.FromSeconds(20), unsafeFaults, Token);

        Assert.False(result.Passed, $"with {unsafeFaults} the run passed: the suite cannot see a split brain\n{result.VerdictLine()}");
        Assert.NotEmpty(result.Verdict.TwoPrimaryIntervals);
        Assert.StartsWith($"FAIL scenario={scenario} mode=async seed={Seed}", result.VerdictLine(), StringComparison.Ordinal);
    }

    private static void Log(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        // The soak's progress, live, for whoever runs scripts/chaos.
        Console.Error.WriteLine(line);
    }
}
