using System.Diagnostics;
using Pgward.Failover;
using Pgward.UnitTests.Failover.Simulation;
using Xunit;

namespace Pgward.UnitTests.Failover;

/// <summary>Seeded randomized runs. A seed that ever failed becomes a named test in <see cref="FailoverSeedTests"/>.</summary>
public sealed class FailoverRandomizedTests(ITestOutputHelper output)
{
    /// <summary>200 by default (a few seconds); set <c>PGWARD_FAILOVER_SEEDS</c> for a longer sweep.</summary>
    private static readonly int Seeds =
        int.TryParse(Environment.GetEnvironmentVariable("PGWARD_FAILOVER_SEEDS"), out var seeds) ? seeds : 200;

    [Fact]
    public void Chaos_runs_never_have_two_writable_primaries_nor_promote_behind_acknowledged_or_majority_held_WAL()
    {
        var watch = Stopwatch.StartNew();
        var failures = new List<string>();
        var promotions = 0;
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var cluster = ChaosRun.Run(seed);
            promotions += cluster.Promotions.Count;
            failures.AddRange(cluster.Violations.Take(1));
        }

        output.WriteLine($"{Seeds} runs × {ChaosRun.Duration.TotalSeconds} s simulated, {promotions} promotions, {watch.ElapsedMilliseconds} ms");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(promotions > Seeds, $"only {promotions} promotions: the runs exercise too little");
    }

    [Theory]
    [InlineData(SafetyFaults.NoFencing)]
    [InlineData(SafetyFaults.NoQuorum)]
    public void The_invariants_catch_a_split_brain_when_fencing_or_the_quorum_is_switched_off(SafetyFaults unsafeFaults)
    {
        var caught = Enumerable.Range(1, 100).Select(seed => ChaosRun.Run(seed, unsafeFaults: unsafeFaults))
            .Count(run => run.Violations.Any(v => v.Contains("writable", StringComparison.OrdinalIgnoreCase)));
        output.WriteLine($"{unsafeFaults}: {caught} of 100 runs broke the one-writable-primary invariant");
        Assert.True(caught > 0, $"no run with {unsafeFaults} was caught: the invariants cannot see a split brain");
    }

    [Fact]
    public void Benign_runs_promote_a_new_primary_within_the_failover_timeout_plus_four_heartbeats()
    {
        var slow = new List<string>();
        var times = new List<double>();
        for (var seed = 1; seed <= Seeds; seed++)
        {
            slow.AddRange(BenignCrash(seed, times));
        }

        times.Sort();
        output.WriteLine($"failover after a crash: min {times[0]:0.00} s, median {times[times.Count / 2]:0.00} s, max {times[^1]:0.00} s");

        Assert.True(slow.Count == 0, string.Join("\n", slow));
    }

    [Fact]
    public void Benign_runs_do_not_fail_over_for_a_stall_shorter_than_failover_timeout_minus_a_heartbeat()
    {
        var failures = new List<string>();
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var random = new Random(seed);
            var settings = BenignSettings(random);
            var cluster = new SimCluster(settings, seed);
            cluster.RunFor(TimeSpan.FromMilliseconds(random.Next(3000, 10000)));
            var stall = settings.Options.FailoverTimeout - settings.Options.HeartbeatInterval - 2 * settings.MaxDelay;
            var primary = cluster.WritablePrimary ?? 0;
            cluster.Freeze(primary);
            cluster.RunFor(random.NextDouble() * stall);
            cluster.Unfreeze(primary);
            cluster.RunFor(TimeSpan.FromSeconds(5));
            if (cluster.Promotions.Count > 0 || cluster.WritablePrimary != primary)
            {
                failures.Add($"seed {seed}: failover after a stall; {FailoverScenarioTests.Dump(cluster)}");
            }

            failures.AddRange(cluster.Violations);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(3)));
    }

    /// <summary>Crashes the primary of a healthy cluster: a new primary must be writable within the failover
    /// timeout plus four heartbeats, and the old primary must rejoin when restarted. Returns what went wrong.</summary>
    internal static List<string> BenignCrash(int seed, List<double>? failoverSeconds = null)
    {
        var problems = new List<string>();
        var random = new Random(seed);
        var settings = BenignSettings(random);
        var cluster = new SimCluster(settings, seed);
        cluster.RunFor(TimeSpan.FromMilliseconds(random.Next(3000, 10000)));
        var primary = cluster.WritablePrimary ?? 0;
        cluster.Crash(primary);
        var limit = settings.Options.FailoverTimeout + 4 * settings.Options.HeartbeatInterval;
        var crashedAt = cluster.Elapsed;
        if (!cluster.RunUntil(() => cluster.WritablePrimary is not null, limit))
        {
            problems.Add($"seed {seed}: no primary {limit.TotalSeconds} s after the primary crashed");
        }

        failoverSeconds?.Add((cluster.Elapsed - crashedAt).TotalSeconds);
        cluster.Restart(primary);
        cluster.RunFor(TimeSpan.FromSeconds(5));
        if (cluster.Node(primary).Postgres.IsPrimary)
        {
            problems.Add($"seed {seed}: old primary {primary} did not rejoin");
        }

        problems.AddRange(cluster.Violations);
        return problems;
    }

    /// <summary>A healthy network (1–20 ms, no loss) and 3 to 5 voters.</summary>
    internal static SimSettings BenignSettings(Random random) => random.Next(3) switch
    {
        0 => new SimSettings { DataNodes = 2, Witness = true },
        1 => new SimSettings { DataNodes = 3 },
        _ => new SimSettings { DataNodes = 4, Witness = true },
    };
}
