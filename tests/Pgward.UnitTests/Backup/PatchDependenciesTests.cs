using Pgward.Backup.Catalog;
using Pgward.Backup.Retention;
using Xunit;
using static Pgward.UnitTests.Backup.BackupInfos;

namespace Pgward.UnitTests.Backup;

/// <summary>A backup that block patches lie over is kept as long as they are: retention holds it and says so, and
/// delete names who needs it.</summary>
public sealed class PatchDependenciesTests
{
    private static readonly BackupInfo Full = Done("a", Now.AddDays(-3)) with { Method = BackupMethod.Files };
    private static readonly BackupInfo Middle = Done("b", Now.AddDays(-2)) with { Method = BackupMethod.Files, Parent = "a", PatchBases = ["a"] };
    private static readonly BackupInfo Newest = Done("c", Now.AddDays(-1)) with { Method = BackupMethod.Files, Parent = "b", PatchBases = ["b"] };

    private static string[] Ids(IEnumerable<BackupInfo> backups) => [.. backups.Select(b => b.Id)];

    [Fact]
    public void Retention_keeps_every_link_a_remaining_backup_needs_and_names_them()
    {
        BackupInfo[] backups = [Full, Middle, Newest];
        Assert.Empty(RetentionDecision.Obsolete(backups, new RedundancyPolicy(1), 0, Now));
        Assert.Equal(["a", "b"], Ids(RetentionDecision.HeldForPatches(backups, new RedundancyPolicy(1), 0, Now)));
    }

    [Fact]
    public void Once_nothing_needs_the_chain_it_goes_as_the_policy_says()
    {
        // The newest was stored whole (no patch bases): the old chain is obsolete as a whole.
        BackupInfo[] backups = [Full, Middle, Newest with { PatchBases = [] }];
        Assert.Equal(["a", "b"], Ids(RetentionDecision.Obsolete(backups, new RedundancyPolicy(1), 0, Now)));
        Assert.Empty(RetentionDecision.HeldForPatches(backups, new RedundancyPolicy(1), 0, Now));
    }

    [Fact]
    public void A_patch_base_of_a_linked_patch_is_needed_though_not_the_parent()
    {
        // c linked b's patch of a file, which lies over a: c needs a and b.
        var newest = Newest with { PatchBases = ["a"] };
        BackupInfo[] backups = [Full, Middle with { PatchBases = [] }, newest];
        Assert.Equal(["b"], Ids(RetentionDecision.Obsolete(backups, new RedundancyPolicy(1), 0, Now)));
        Assert.Equal(["c"], Ids(PatchDependencies.Dependents(backups, "a")));
    }

    [Fact]
    public void Dependents_are_found_through_the_chain_and_a_failed_backup_needs_nothing()
    {
        var failed = Done("d", Now) with { Method = BackupMethod.Files, Status = BackupStatus.Failed, Parent = "c", PatchBases = ["c"] };
        BackupInfo[] backups = [Full, Middle, Newest, failed];
        Assert.Equal(["b", "c"], Ids(PatchDependencies.Dependents(backups, "a")));
        Assert.Empty(PatchDependencies.Dependents(backups, "c"));
    }

    [Fact]
    public void A_files_backup_in_progress_needs_its_parent()
    {
        var running = Done("d", Now) with { Method = BackupMethod.Files, Status = BackupStatus.Started, Parent = "c" };
        BackupInfo[] backups = [Full, Middle with { PatchBases = [] }, Newest with { PatchBases = [] }, running];
        Assert.Equal(["d"], Ids(PatchDependencies.Dependents(backups, "c")));
        Assert.Equal(["a", "b"], Ids(RetentionDecision.Obsolete(backups, new RedundancyPolicy(0), 0, Now)));
    }
}
