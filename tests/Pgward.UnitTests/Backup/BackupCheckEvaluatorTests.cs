using Pgward.Backup.Catalog;
using Pgward.Backup.Checks;
using Xunit;
using static Pgward.UnitTests.Backup.BackupInfos;

namespace Pgward.UnitTests.Backup;

public sealed class BackupCheckEvaluatorTests
{
    private static readonly BackupSettings Settings = new("/b", "host=h", null, 1, "pgward");

    private static readonly BackupCheckFacts Healthy = new()
    {
        SlotName = "pgward", SlotExists = true, LastWalArrival = Now.AddMinutes(-1), DoneBackups = 1, MinimumRedundancy = 1,
        LastBackupEnd = Now.AddDays(-1), FreeBytes = 10L << 30,
    };

    private static string[] Failed(BackupCheckFacts facts) =>
        [.. BackupCheckEvaluator.Evaluate(facts, Settings, Now).Where(r => !r.Ok).Select(r => r.Name)];

    [Fact]
    public void A_healthy_server_passes_every_named_check()
    {
        var results = BackupCheckEvaluator.Evaluate(Healthy, Settings, Now);
        Assert.Equal(["PostgreSQL", "replication slot", "WAL streaming", "WAL archive continuity", "WAL archive integrity", "backups intact",
            "minimum redundancy requirements", "backup maximum age", "disk space"], results.Select(r => r.Name));
        Assert.All(results, r => Assert.True(r.Ok, r.Detail));
    }

    [Fact]
    public void Each_problem_fails_its_own_check()
    {
        Assert.Equal(["PostgreSQL", "replication slot"], Failed(Healthy with { ConnectionProblem = "refused", SlotExists = null }));
        Assert.Equal(["replication slot"], Failed(Healthy with { SlotExists = false }));
        Assert.Equal(["WAL streaming"], Failed(Healthy with { LastWalArrival = Now.AddHours(-2) }));
        Assert.Equal(["WAL archive continuity"], Failed(Healthy with { ArchiveGaps = ["000000010000000000000003"] }));
        Assert.Equal(["WAL archive integrity"], Failed(Healthy with { WalIntegrity = new WalVerification(3, 9, [("000000010000000000000005", "bad frame")]) }));
        Assert.Equal(["backups intact"], Failed(Healthy with { DamagedBackups = [("20261125T120000", "2 stored file(s) missing: base/5/1259, base/5/1249")] }));
        Assert.Equal(["minimum redundancy requirements"], Failed(Healthy with { DoneBackups = 0, LastBackupEnd = Now }));
        Assert.Equal(["backup maximum age"], Failed(Healthy with { LastBackupEnd = Now.AddDays(-8) }));
        Assert.Equal(["disk space"], Failed(Healthy with { FreeBytes = 1 }));
    }

    [Fact]
    public void Nagios_output_is_one_critical_line_naming_the_failed_checks_then_one_line_each()
    {
        var facts = Healthy with { ArchiveGaps = ["000000010000000000000003"], SlotExists = false };
        using var output = new StringWriter();
        BackupCheckOutput.WriteNagios(output, BackupCheckEvaluator.Evaluate(facts, Settings, Now), facts);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("PGWARD CRITICAL - backup server has issues * FAILED: replication slot, WAL archive continuity|backup=0B wals=0B", lines[0]);
        Assert.Equal("WAL archive continuity: FAILED (missing 1 segment(s): 000000010000000000000003)", lines[2]);
    }

    [Fact]
    public void A_damaged_archived_segment_turns_nagios_critical_naming_it()
    {
        var facts = Healthy with { WalIntegrity = new WalVerification(2, 40, [("000000010000000000000007", "not a valid zstd frame"), ("000000010000000000000009", "x")]) };
        using var output = new StringWriter();
        BackupCheckOutput.WriteNagios(output, BackupCheckEvaluator.Evaluate(facts, Settings, Now), facts);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("PGWARD CRITICAL - backup server has issues * FAILED: WAL archive integrity|", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("WAL archive integrity: FAILED (damaged segment 000000010000000000000007: not a valid zstd frame; 1 more: 000000010000000000000009",
            lines[1], StringComparison.Ordinal);
    }
}
