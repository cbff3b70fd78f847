using Pgward.Backup.Files;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class BackupExclusionsTests
{
    [Theory]
    [InlineData("postmaster.pid")]
    [InlineData("postmaster.opts")]
    [InlineData("backup_label")]
    [InlineData("tablespace_map")]
    [InlineData("pg_internal.init")]
    [InlineData("pgsql_tmp12345.0")]
    [InlineData("postgresql.auto.conf.tmp")]
    public void Excludes_what_pg_basebackup_leaves_out(string name) => Assert.True(BackupExclusions.Excludes(name));

    [Theory]
    [InlineData("PG_VERSION")]
    [InlineData("postgresql.auto.conf")]
    [InlineData("standby.signal")]
    [InlineData("pg_control")]
    public void Keeps_what_pg_basebackup_copies(string name) => Assert.False(BackupExclusions.Excludes(name));

    [Fact]
    public void ExcludesContents_empties_pg_wal_and_the_runtime_directories_but_not_pg_xact()
    {
        Assert.True(BackupExclusions.ExcludesContents("pg_wal"));
        Assert.True(BackupExclusions.ExcludesContents("pg_replslot"));
        Assert.True(BackupExclusions.ExcludesContents("pg_stat_tmp"));
        Assert.False(BackupExclusions.ExcludesContents("pg_xact"));
        Assert.False(BackupExclusions.ExcludesContents("base/pg_wal"));
    }

    [Fact]
    public void RelationFilesExcluded_keeps_only_the_init_fork_of_unlogged_relations_and_drops_temporary_ones()
    {
        var excluded = BackupExclusions.RelationFilesExcluded(
            ["16384", "16384_fsm", "16384_vm", "16384_init", "16384.1", "16390", "16390_fsm", "t3_16400", "t3_16400_fsm", "PG_VERSION"]);
        Assert.Equal(["16384", "16384.1", "16384_fsm", "16384_vm", "t3_16400", "t3_16400_fsm"], excluded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IsDatabaseDirectory_knows_base_and_tablespace_database_directories()
    {
        Assert.True(BackupExclusions.IsDatabaseDirectory("base/16384"));
        Assert.True(BackupExclusions.IsDatabaseDirectory("pg_tblspc/16385/PG_15_202209061/16384"));
        Assert.False(BackupExclusions.IsDatabaseDirectory("global"));
        Assert.False(BackupExclusions.IsDatabaseDirectory("base"));
    }
}
