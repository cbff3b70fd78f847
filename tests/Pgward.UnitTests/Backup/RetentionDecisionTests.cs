using Pgward.Backup.Catalog;
using Pgward.Backup.Retention;
using Xunit;
using static Pgward.UnitTests.Backup.BackupInfos;

namespace Pgward.UnitTests.Backup;

public sealed class RetentionDecisionTests
{
    private static string[] Ids(IEnumerable<BackupInfo> backups) => [.. backups.Select(b => b.Id)];

    [Fact]
    public void Redundancy_2_makes_all_but_the_two_newest_obsolete()
    {
        var backups = new[] { Done("a", Now.AddDays(-4)), Done("b", Now.AddDays(-3)), Done("c", Now.AddDays(-2)), Done("d", Now.AddDays(-1)) };
        Assert.Equal(["a", "b"], Ids(RetentionDecision.Obsolete(backups, new RedundancyPolicy(2), 0, Now)));
    }

    [Fact]
    public void Backups_are_ordered_by_end_time_never_by_id_or_timeline()
    {
        // After a pg_upgrade or a failover, ids and timelines no longer follow time (WAL-G issue 636).
        var backups = new[]
        {
            Done("20990101T000000", Now.AddDays(-3), timeline: 9),
            Done("20000101T000000", Now.AddDays(-1), timeline: 1),
            Done("20500101T000000", Now.AddDays(-2), timeline: 5),
        };
        Assert.Equal(["20990101T000000"], Ids(RetentionDecision.Obsolete(backups, new RedundancyPolicy(2), 0, Now)));
    }

    [Fact]
    public void Minimum_redundancy_is_never_crossed()
    {
        var backups = new[] { Done("a", Now.AddDays(-3)), Done("b", Now.AddDays(-2)), Done("c", Now.AddDays(-1)) };
        Assert.Equal(["a"], Ids(RetentionDecision.Obsolete(backups, new RedundancyPolicy(1), 2, Now)));
        Assert.Empty(RetentionDecision.Obsolete(backups, new RedundancyPolicy(1), 5, Now));
    }

    [Fact]
    public void Kept_backups_are_never_obsolete_and_do_not_count_towards_redundancy()
    {
        var backups = new[] { Done("a", Now.AddDays(-3), keep: true), Done("b", Now.AddDays(-2)), Done("c", Now.AddDays(-1)) };
        Assert.Equal(["b"], Ids(RetentionDecision.Obsolete(backups, new RedundancyPolicy(1), 0, Now)));
    }

    [Fact]
    public void Waiting_backups_stay_and_failed_ones_older_than_the_newest_done_go()
    {
        var backups = new[]
        {
            Done("a", Now.AddDays(-3), status: BackupStatus.Failed),
            Done("b", Now.AddDays(-2), status: BackupStatus.WaitingForWals),
            Done("c", Now.AddDays(-1)),
            Done("d", Now.AddHours(-1), status: BackupStatus.Failed),
        };
        Assert.Equal(["a"], Ids(RetentionDecision.Obsolete(backups, new RedundancyPolicy(1), 0, Now)));
    }

    [Fact]
    public void Recovery_window_keeps_the_backups_inside_it_and_the_newest_one_before_it()
    {
        var backups = new[]
        {
            Done("a", Now.AddDays(-20)), Done("b", Now.AddDays(-10)), Done("c", Now.AddDays(-8)), Done("d", Now.AddDays(-3)), Done("e", Now.AddDays(-1)),
        };
        var week = new RecoveryWindowPolicy(1, RecoveryWindowUnit.Weeks);
        Assert.Equal(["a", "b"], Ids(RetentionDecision.Obsolete(backups, week, 0, Now)));
        Assert.Equal(["a", "b", "c"], Ids(RetentionDecision.Obsolete(backups, new RecoveryWindowPolicy(2, RecoveryWindowUnit.Days), 0, Now)));
    }

    [Theory]
    [InlineData("REDUNDANCY 3", "REDUNDANCY 3")]
    [InlineData("redundancy  2", "REDUNDANCY 2")]
    [InlineData("RECOVERY WINDOW OF 7 DAYS", "RECOVERY WINDOW OF 7 DAYS")]
    [InlineData("recovery window of 2 weeks", "RECOVERY WINDOW OF 2 WEEKS")]
    [InlineData("RECOVERY WINDOW OF 1 MONTH", "RECOVERY WINDOW OF 1 MONTHS")]
    public void Policies_parse_in_barmans_syntax(string text, string normalized)
    {
        Assert.True(RetentionPolicy.TryParse(text, out var policy, out var error), error);
        Assert.Equal(normalized, policy!.ToString());
    }

    [Theory]
    [InlineData("REDUNDANCY 0")]
    [InlineData("REDUNDANCY")]
    [InlineData("RECOVERY WINDOW OF 7 YEARS")]
    [InlineData("KEEP 3")]
    public void Bad_policies_are_refused_with_the_expected_syntax(string text)
    {
        Assert.False(RetentionPolicy.TryParse(text, out _, out var error));
        Assert.Contains("retention_policy", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_month_window_is_a_calendar_month()
    {
        var policy = new RecoveryWindowPolicy(1, RecoveryWindowUnit.Months);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 12, 0, 0, TimeSpan.Zero), policy.WindowStart(Now));
    }
}
