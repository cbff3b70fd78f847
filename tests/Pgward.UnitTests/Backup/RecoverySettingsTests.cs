using Pgward.Backup.Recovery;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class RecoverySettingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static readonly RecoveryRequest Request = new("latest", "/x", new RecoveryTarget(RecoveryTargetKind.Immediate, null), null, "promote",
        Exclusive: false, "pgward backup wal-restore %f %p");

    /// <summary>The value PostgreSQL takes from postgresql.auto.conf's text: the last line that sets it; null when none does.</summary>
    private static string? Effective(string autoConf, string name) => autoConf.Split('\n')
        .Select(l => l.Trim())
        .Where(l => !l.StartsWith('#') && l.Split('=', 2) is [var key, _] && key.Trim() == name)
        .Select(l => l.Split('=', 2)[1].Trim())
        .LastOrDefault();

    [Theory]
    [InlineData("synchronous_standby_names = 'pgward_lease'\n")]
    [InlineData("synchronous_standby_names = 'ANY 1 (node2, node3)'\n")]
    public void A_restored_server_waits_for_no_synchronous_standby_whatever_its_primary_waited_for(string autoConf)
    {
        var text = RecoverySettings.CommentOutOwned(autoConf) + RecoverySettings.Render("20261204T000000", Request, Now);

        Assert.Equal("''", Effective(text, "synchronous_standby_names"));
    }

    [Fact]
    public void The_upstream_settings_of_a_standby_are_removed_and_no_other_setting_is_touched()
    {
        var autoConf = "work_mem = '4MB'\nprimary_conninfo = 'host=node1 password=secret'\nprimary_slot_name = 'pgward_slot_2'\n";

        var text = RecoverySettings.CommentOutOwned(autoConf) + RecoverySettings.Render("20261204T000000", Request, Now);

        Assert.Null(Effective(text, "primary_conninfo"));
        Assert.Null(Effective(text, "primary_slot_name"));
        Assert.Equal("'4MB'", Effective(text, "work_mem"));
    }

    [Fact]
    public void The_cluster_member_settings_found_are_named_and_comments_are_not()
    {
        var autoConf = "# primary_slot_name = 'old'\nprimary_conninfo = 'host=node1 password=secret'\nsynchronous_standby_names = 'pgward_lease'\n";

        Assert.Equal(["synchronous_standby_names", "primary_conninfo"], RecoverySettings.ClusterMemberSettingsIn(autoConf));
    }
}
