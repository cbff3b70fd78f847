using System.Text.Json;
using Pgward.Testing.Chaos;
using Xunit;
using static Pgward.UnitTests.Chaos.Histories;

namespace Pgward.UnitTests.Chaos;

public sealed class ChaosReportTests
{
    private static ChaosRunResult Run(string scenario, string mode, int seed, ChaosHistory history, string primary, NodeRows[] rows,
        double[] failovers, double[] recoveries) =>
        new(scenario, mode, seed, FaultsInjected: failovers.Length, ChaosChecker.Check(history, primary, rows),
            [.. failovers.Select(Seconds)], [.. recoveries.Select(Seconds)]);

    private static readonly ChaosRunResult Clean1 =
        Run("kill-primary", "sync", 11, Of(Ack(1, "a", 0, 1), Ack(2, "b", 3, 4)), "b", [Rows("b", 1, 2)], [1.0, 3.0], [10.0]);

    private static readonly ChaosRunResult Clean2 =
        Run("kill-primary", "sync", 12, Of(Ack(1, "a", 0, 1), Ack(2, "a", 1, 2)), "a", [Rows("a", 1, 2)], [2.0, 5.0], [20.0, 30.0]);

    private static readonly ChaosRunResult LossyAsync =
        Run("kill-primary", "async", 13, Of(Ack(1, "a", 0, 1), Ack(2, "a", 1, 2), Ack(3, "b", 3, 4)), "b", [Rows("b", 1, 3)], [], []);

    private static readonly ChaosRunResult SplitBrain =
        Run("partition", "sync", 99, Of(Ack(1, "a", 0, 1), Ack(2, "b", 2, 3), Ack(3, "a", 4, 5)), "a", [Rows("a", 1, 2, 3)], [0.5], [12.25]);

    [Fact]
    public void Rows_sum_runs_per_scenario_and_mode_with_median_and_max_times()
    {
        var rows = new ChaosReport([Clean1, Clean2, LossyAsync, SplitBrain]).Rows;

        Assert.Equal(3, rows.Count);
        var sync = rows[0];
        Assert.Equal(("kill-primary", "sync", 2, 0, 4, 4L, 0L), (sync.Scenario, sync.ReplicationMode, sync.Runs, sync.FailedRuns, sync.FaultsInjected,
            sync.AcknowledgedWrites, sync.Lost));
        Assert.Equal((2.5, 5.0, 20.0, 30.0), (sync.FailoverMedianSeconds, sync.FailoverMaxSeconds, sync.RecoveryMedianSeconds, sync.RecoveryMaxSeconds));
        Assert.Equal([11, 12], sync.Seeds);
        Assert.Equal((1L, 0), (rows[1].Lost, rows[1].FailedRuns));
        Assert.Null(rows[1].FailoverMedianSeconds);
        Assert.Equal((1L, 1), (rows[2].TwoPrimaryIntervals, rows[2].FailedRuns));
    }

    [Fact]
    public void ToTable_aligns_every_column()
    {
        var table = new ChaosReport([Clean1, Clean2, LossyAsync, SplitBrain]).ToTable();

        var expected = """
            scenario      mode   runs  failed  faults  acked  lost  lost-warned  lost-local  duplicated  two-primary  failover med/max s  recovery med/max s  backup  seeds
            kill-primary  sync      2       0       4      4     0            0           0           0            0           2.50/5.00         20.00/30.00       -  11,12
            kill-primary  async     1       0       0      3     1            0           0           0            0                 -/-                 -/-       -  13
            partition     sync      1       1       1      3     0            0           0           0            1           0.50/0.50         12.25/12.25       -  99

            """;
        Assert.Equal(expected.ReplaceLineEndings(), table.ReplaceLineEndings());
    }

    [Fact]
    public void ToJson_holds_the_rows_and_verdicts_in_snake_case()
    {
        var json = JsonDocument.Parse(new ChaosReport([Clean1, LossyAsync, SplitBrain]).ToJson()).RootElement;

        Assert.False(json.GetProperty("passed").GetBoolean());
        var row = json.GetProperty("rows")[0];
        Assert.Equal("kill-primary", row.GetProperty("scenario").GetString());
        Assert.Equal(2, row.GetProperty("acknowledged_writes").GetInt64());
        Assert.Equal(2.0, row.GetProperty("failover_median_seconds").GetDouble());
        Assert.Equal([11], row.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("rows")[1].GetProperty("failover_median_seconds").ValueKind);
        Assert.Equal(3, json.GetProperty("verdicts").GetArrayLength());
    }

    [Fact]
    public void VerdictLine_of_a_failed_run_names_the_scenario_and_seed_and_the_problem()
    {
        var lines = new ChaosReport([Clean1, SplitBrain]).VerdictLines.ToList();

        Assert.Equal("PASS scenario=kill-primary mode=sync seed=11: 2 acknowledged, 0 lost, 0 duplicated, 0 two-primary intervals", lines[0]);
        Assert.StartsWith("FAIL scenario=partition mode=sync seed=99: 3 acknowledged, 0 lost, 0 duplicated, 1 two-primary intervals -- "
            + "1 two-primary intervals: [3.000 s, 4.000 s] a (timeline 1) and b (timeline 1)", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_with_a_backup_server_counts_its_backup_verdict_in_the_row_the_line_and_the_outcome()
    {
        var good = Clean1 with { Scenario = "backup-faults", Backup = new BackupVerdict(2, 0, 0, [], [], []) };
        var bad = Clean2 with { Scenario = "backup-faults", Backup = new BackupVerdict(1, 1, 0, [2], [], ["the recovered backup differs"]) };
        var report = new ChaosReport([good, bad, Clean1]);

        Assert.Equal([1, null], report.Rows.Select(r => r.BackupFailures));
        Assert.Contains("   1 bad  11,12", report.ToTable(), StringComparison.Ordinal);
        Assert.EndsWith("0 two-primary intervals, backup ok (2 rows restored)", good.VerdictLine(), StringComparison.Ordinal);
        Assert.EndsWith("backup FAILED -- the recovered backup differs", bad.VerdictLine(), StringComparison.Ordinal);
        Assert.False(bad.Passed);
        Assert.False(report.Passed);
    }

    [Fact]
    public void A_loss_fails_a_sync_run_and_not_an_async_one()
    {
        var sync = LossyAsync with { ReplicationMode = "sync" };

        Assert.True(LossyAsync.Passed);
        Assert.False(sync.Passed);
        Assert.False(new ChaosReport([Clean1, sync]).Passed);
    }
}
