using Pgward.Testing.Chaos;
using Xunit;
using static Pgward.UnitTests.Chaos.Histories;

namespace Pgward.UnitTests.Chaos;

public sealed class BackupJudgeTests
{
    private static readonly NodeRows Primary = Rows("node2", 1, 2, 3, 4);

    private static BackupFacts Facts(NodeRows? restored, params BaseBackupAttempt[] attempts) =>
        new(Primary, restored, restored is null ? "backup recover exited 1: no WAL" : null, ArchiveProblem: null, CheckPassed: true,
            CheckOutput: "PGWARD BACKUP OK", FinalBackupProblem: null, attempts,
            new Dictionary<string, string> { ["20261126T000001"] = "DONE", ["20261126T000002"] = "FAILED", ["20261126T000003"] = "STARTED" });

    [Fact]
    public void A_backup_that_gives_back_exactly_the_primarys_rows_passes()
    {
        var verdict = BackupJudge.Judge(Facts(Rows("restored", 1, 2, 3, 4)));

        Assert.Empty(verdict.Problems);
        Assert.Equal("backup ok (4 rows restored)", verdict.Summary);
    }

    [Fact]
    public void Rows_missing_from_the_backup_or_not_on_the_primary_are_named()
    {
        var verdict = BackupJudge.Judge(Facts(Rows("restored", 1, 2, 5)));

        Assert.Equal((2, 1), (verdict.MissingCount, verdict.ExtraCount));
        Assert.Equal([3, 4], verdict.Missing);
        Assert.Equal("the recovered backup differs from primary node2: 2 rows missing (3, 4), 1 extra (5)", Assert.Single(verdict.Problems));
        Assert.Equal("backup FAILED", verdict.Summary);
    }

    [Fact]
    public void The_backup_taken_after_the_faults_must_recover_the_primarys_rows_too()
    {
        var facts = Facts(Rows("restored", 1, 2, 3, 4));

        Assert.Empty(BackupJudge.Judge(facts with { FinalRestored = Rows("final", 1, 2, 3, 4) }).Problems);
        Assert.Equal("the backup taken after the faults, recovered, differs from primary node2: 1 rows missing (4), 0 extra (none)",
            Assert.Single(BackupJudge.Judge(facts with { FinalRestored = Rows("final", 1, 2, 3) }).Problems));
        Assert.Equal("recovery from the backup taken after the faults failed: the recovered server did not start",
            Assert.Single(BackupJudge.Judge(facts with { FinalRecoveryProblem = "the recovered server did not start" }).Problems));
    }

    [Fact]
    public void A_ballast_table_recovered_unlike_the_primarys_is_a_problem_where_it_was_recovered()
    {
        var facts = Facts(Rows("restored", 1, 2, 3, 4)) with
        {
            FinalRestored = Rows("final", 1, 2, 3, 4), PrimaryBallast = "40000 ab", RestoredBallast = "40000 ab", FinalBallast = "40000 ab",
        };

        Assert.Empty(BackupJudge.Judge(facts).Problems);
        Assert.Equal("the ballast table recovered from the backup taken after the faults is \"40000 cd\", on primary node2 \"40000 ab\"",
            Assert.Single(BackupJudge.Judge(facts with { FinalBallast = "40000 cd" }).Problems));
        Assert.Empty(BackupJudge.Judge(facts with { FinalRestored = null, FinalBallast = null }).Problems);
    }

    [Fact]
    public void A_row_replayed_twice_is_a_problem()
    {
        var verdict = BackupJudge.Judge(Facts(Rows("restored", 1, 2, 2, 3, 4)));

        Assert.Equal("1 rows twice in the recovered backup: 2", Assert.Single(verdict.Problems));
    }

    [Fact]
    public void A_failed_recovery_a_failed_check_a_lagging_archive_and_a_failed_final_backup_are_each_a_problem()
    {
        var facts = Facts(null) with
        {
            ArchiveProblem = "exit 1: WAL file 000000020000000000000009 not archived within 60 s",
            CheckPassed = false,
            CheckOutput = "PGWARD BACKUP CRITICAL - WAL archive continuity\n",
            FinalBackupProblem = "exit 14: pg_basebackup failed",
        };

        var problems = BackupJudge.Judge(facts).Problems;

        Assert.Equal(
        [
            "recovery from the first backup failed: backup recover exited 1: no WAL",
            "the archive did not catch up with the primary: exit 1: WAL file 000000020000000000000009 not archived within 60 s",
            "backup check failed: PGWARD BACKUP CRITICAL - WAL archive continuity",
            "the backup taken after the faults did not succeed: exit 14: pg_basebackup failed",
        ], problems);
    }

    [Theory]
    [InlineData(0, "20261126T000001", false, null)]
    [InlineData(14, "20261126T000002", false, null)]
    [InlineData(14, "20261126T000001", false, null)]
    [InlineData(null, "20261126T000002", true, null)]
    [InlineData(null, null, true, null)]
    [InlineData(0, null, false, null)]
    [InlineData(0, "20261126T000002", false, "backup 20261126T000002 started by kill-base-backup at 3.0 s succeeded but is FAILED")]
    [InlineData(null, "20261126T000003", true, "backup 20261126T000003 started by kill-base-backup at 3.0 s was killed and is left STARTED")]
    [InlineData(14, "20261126T000003", false, "backup 20261126T000003 started by kill-base-backup at 3.0 s exited 14 and is left STARTED")]
    [InlineData(14, "20261126T000009", false, "backup 20261126T000009 started by kill-base-backup at 3.0 s exited 14 and is left missing from the catalog")]
    [InlineData(null, "20261126T000001", false, "the backup started by kill-base-backup at 3.0 s did not end in time")]
    public void A_base_backup_a_fault_started_must_end_DONE_or_FAILED(int? exitCode, string? backupId, bool killed, string? problem)
    {
        var verdict = BackupJudge.Judge(Facts(Primary, new BaseBackupAttempt("kill-base-backup at 3.0 s", killed, exitCode, backupId)));

        Assert.Equal(problem is null ? [] : [problem], verdict.Problems);
    }
}
