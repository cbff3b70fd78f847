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

    /// <summary>The first seed of a sweep: 1 by default; <c>PGWARD_FAILOVER_FIRST_SEED</c> for seeds no sweep ran yet.</summary>
    private static readonly int FirstSeed =
        int.TryParse(Environment.GetEnvironmentVariable("PGWARD_FAILOVER_FIRST_SEED"), out var first) ? first : 1;

    /// <summary>The seeds of a sweep: <see cref="Seeds"/> of them from <see cref="FirstSeed"/>.</summary>
    private static IEnumerable<int> SweepSeeds => Enumerable.Range(FirstSeed, Seeds);

    /// <summary>Clock rates within ± this (0.05 by default); <c>PGWARD_FAILOVER_DRIFT=0.09</c> for a sweep near the
    /// ~10 % the default timings tolerate.</summary>
    private static readonly double MaxDrift = double.TryParse(Environment.GetEnvironmentVariable("PGWARD_FAILOVER_DRIFT"),
        System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var drift) ? drift : 0.05;

    [Fact]
    public void Chaos_runs_never_have_two_writable_primaries_nor_promote_behind_acknowledged_or_majority_held_WAL()
    {
        var watch = Stopwatch.StartNew();
        var failures = new List<string>();
        var promotions = 0;
        foreach (var seed in SweepSeeds)
        {
            var cluster = ChaosRun.Run(seed, MaxDrift);
            promotions += cluster.Promotions.Count;
            failures.AddRange(cluster.Violations.Take(1));
        }

        output.WriteLine($"{Seeds} runs × {ChaosRun.Duration.TotalSeconds} s simulated, {promotions} promotions, {watch.ElapsedMilliseconds} ms");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(promotions > Seeds, $"only {promotions} promotions: the runs exercise too little");
    }

    /// <summary>Issue 13: agents frozen, killed and restarted, or killed for good while their PostgreSQL runs, mixed
    /// into the chaos runs. The dead-man switch stops an old primary's server at its lease's end, so at most one node
    /// acknowledges commits even with <c>synchronous_commit = local</c>.</summary>
    [Fact]
    public void Chaos_runs_with_agents_gone_never_have_two_nodes_acknowledging_commits_of_any_kind()
    {
        var watch = Stopwatch.StartNew();
        var failures = new List<string>();
        var promotions = 0;
        var stoppedWithAgentGone = 0;
        var handOvers = 0;
        var modes = new Dictionary<string, int>();
        foreach (var seed in SweepSeeds)
        {
            var cluster = ChaosRun.Run(seed, MaxDrift, agentOutages: true);
            promotions += cluster.Promotions.Count;
            stoppedWithAgentGone += cluster.SwitchStops.Count(stop => stop.AgentGone);
            handOvers += cluster.HandOvers.Count;
            var options = cluster.Settings.Options;
            var mode = $"{options.ReplicationMode}{(options.CommitLease ? "+lease" : "")}".ToLowerInvariant();
            modes[mode] = modes.GetValueOrDefault(mode) + 1;
            failures.AddRange(cluster.Violations.Take(1));
        }

        output.WriteLine($"{Seeds} runs × {ChaosRun.Duration.TotalSeconds} s simulated at ±{MaxDrift:P0} drift "
            + $"({string.Join(", ", modes.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value}"))}), {promotions} promotions, "
            + $"{stoppedWithAgentGone} servers stopped by the switch with the agent gone, {handOvers} handovers by a stopping agent, "
            + $"{failures.Count} failed, {watch.ElapsedMilliseconds} ms");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Fewer than one per run: an agent gone for good takes its node out of elections.
        Assert.True(promotions > Seeds / 2, $"only {promotions} promotions: the runs exercise too little");
        Assert.True(stoppedWithAgentGone > 0, "the switch never stopped a server whose agent was gone: the runs exercise too little");
        Assert.True(handOvers > 0, "no stopping agent handed its primary role over: the runs exercise too little");
    }

    /// <summary>Liveness: whatever a run did, once every fault is undone a primary takes commits again within the
    /// limit. CI's fault suite once saw three healthy nodes elect nobody for 60 s (a candidate that missed a term).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Chaos_runs_have_a_primary_again_once_every_fault_is_undone(bool agentOutages)
    {
        var limit = TimeSpan.FromSeconds(20);
        var failures = new List<string>();
        var took = new List<double>();
        foreach (var seed in SweepSeeds)
        {
            var cluster = ChaosRun.Run(seed, MaxDrift, agentOutages: agentOutages);
            if (cluster.Violations.Count > 0)
            {
                failures.Add($"seed {seed}: {cluster.Violations[0]}");
                continue;
            }

            if (ChaosRun.HealAndAwaitPrimary(cluster, limit) is { } elapsed)
            {
                took.Add(elapsed.TotalSeconds);
            }
            else
            {
                failures.Add($"seed {seed}: no primary {limit.TotalSeconds} s after every fault was undone; last: "
                    + string.Join(" | ", cluster.Log.TakeLast(6)));
            }

            failures.AddRange(cluster.Violations.Take(1).Select(v => $"seed {seed}: {v}"));
        }

        took.Sort();
        output.WriteLine($"{Seeds} runs{(agentOutages ? " with agent outages" : "")}: primary again after a median {(took.Count > 0 ? took[took.Count / 2] : 0):0.00} s, "
            + $"at most {(took.Count > 0 ? took[^1] : 0):0.00} s; {failures.Count} failed");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public void The_local_commit_invariant_catches_an_old_primary_whose_agent_is_gone_when_the_dead_man_switch_is_off()
    {
        var runs = Enumerable.Range(1, 100).Select(seed => ChaosRun.Run(seed, agentOutages: true, deadManSwitch: false)).ToList();
        var caught = runs.Count(run => run.Violations.Any(v => v.Contains("synchronous_commit = local", StringComparison.Ordinal)));
        output.WriteLine($"without the dead-man switch {caught} of 100 runs broke the local-commit invariant");
        Assert.True(caught > 0, "no run without the switch was caught: the invariant cannot see an old primary acknowledging local commits");
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
        foreach (var seed in SweepSeeds)
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
        foreach (var seed in SweepSeeds)
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
