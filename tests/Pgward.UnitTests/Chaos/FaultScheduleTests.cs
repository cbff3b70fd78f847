using Pgward.Testing.Chaos;
using Xunit;

namespace Pgward.UnitTests.Chaos;

public sealed class FaultScheduleTests
{
    private static readonly FaultSpec[] Faults =
    [
        new(FaultKind.KillHost, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20), [FaultTarget.Primary, FaultTarget.AnyStandby]),
        new(FaultKind.Freeze, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), [FaultTarget.Node(1), FaultTarget.Node(2), FaultTarget.Node(3)]),
        new(FaultKind.CutMajority, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), [FaultTarget.Cluster], Weight: 0.5),
        new(FaultKind.Switchover, TimeSpan.Zero, TimeSpan.Zero, [FaultTarget.AnyStandby]),
    ];

    private static FaultScheduleOptions Options(int seed, bool overlap = false) =>
        new(seed, TimeSpan.FromMinutes(30), Faults) { AllowOverlap = overlap };

    [Fact]
    public void Create_gives_the_same_schedule_for_the_same_seed()
    {
        var first = FaultSchedule.Create(Options(42));
        var second = FaultSchedule.Create(Options(42));

        Assert.NotEmpty(first.Faults);
        Assert.Equal(first.Faults, second.Faults);
        Assert.Equal(first.ToString(), second.ToString());
    }

    [Fact]
    public void Create_gives_different_schedules_for_different_seeds()
    {
        var schedules = Enumerable.Range(1, 20).Select(seed => FaultSchedule.Create(Options(seed)).ToString().Split('\n', 2)[1]).ToList();

        Assert.Equal(schedules.Count, schedules.Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Create_ends_every_fault_before_the_recovery_tail(bool overlap)
    {
        foreach (var seed in Enumerable.Range(0, 200))
        {
            var options = Options(seed, overlap) with { ScenarioDuration = TimeSpan.FromSeconds(90) };
            var schedule = FaultSchedule.Create(options);

            Assert.All(schedule.Faults, f => Assert.True(f.End <= options.ScenarioDuration - options.Recovery, $"seed {seed}: {f}"));
            Assert.All(schedule.Faults, f => Assert.True(f.Start >= options.MinQuiet, $"seed {seed}: {f}"));
        }
    }

    [Fact]
    public void Create_never_overlaps_faults_and_keeps_the_quiet_gap_unless_asked()
    {
        foreach (var seed in Enumerable.Range(0, 200))
        {
            var options = Options(seed);
            var faults = FaultSchedule.Create(options).Faults;

            Assert.All(faults.Zip(faults.Skip(1)), pair =>
                Assert.True(pair.Second.Start - pair.First.End >= options.MinQuiet, $"seed {seed}: {pair.First} then {pair.Second}"));
        }
    }

    [Fact]
    public void Create_overlaps_faults_when_asked()
    {
        var faults = FaultSchedule.Create(Options(7, overlap: true)).Faults;

        Assert.Contains(faults.Zip(faults.Skip(1)), pair => pair.Second.Start < pair.First.End);
    }

    [Fact]
    public void Create_draws_durations_targets_and_kinds_from_the_specs()
    {
        var faults = FaultSchedule.Create(Options(3)).Faults;

        Assert.All(faults, f =>
        {
            var spec = Faults.Single(s => s.Kind == f.Kind);
            Assert.InRange(f.Duration, spec.MinDuration, spec.MaxDuration);
            Assert.Contains(f.Target, spec.Targets);
            Assert.InRange(f.Choice, 0, 1);
        });
        Assert.Equal(Faults.Select(f => f.Kind).Order(), faults.Select(f => f.Kind).Distinct().Order());
    }

    [Fact]
    public void Create_gives_no_fault_when_none_fits_before_the_recovery_tail()
    {
        var options = new FaultScheduleOptions(1, TimeSpan.FromSeconds(12), [Faults[0]]);

        Assert.Empty(FaultSchedule.Create(options).Faults);
    }

    [Fact]
    public void Create_refuses_a_spec_whose_minimum_exceeds_its_maximum()
    {
        var options = new FaultScheduleOptions(1, TimeSpan.FromMinutes(1),
            [new FaultSpec(FaultKind.Freeze, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), [FaultTarget.Primary])]);

        var error = Assert.Throws<ArgumentException>(() => FaultSchedule.Create(options));

        Assert.StartsWith("freeze: duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_refuses_a_zero_quiet_time_which_would_never_advance() =>
        Assert.Throws<ArgumentException>(() => FaultSchedule.Create(Options(1) with { MinQuiet = TimeSpan.Zero }));
}
