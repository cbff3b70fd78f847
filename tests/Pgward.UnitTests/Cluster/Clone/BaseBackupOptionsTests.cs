using Pgward.Cluster.Clone;
using Xunit;

namespace Pgward.UnitTests.Cluster.Clone;

public sealed class BaseBackupOptionsTests
{
    [Theory]
    [InlineData("--max-rate=200M --waldir /wal/pg_wal", new[] { "--max-rate=200M", "--waldir", "/wal/pg_wal" })]
    [InlineData("-r 200M -T '/ts/a=/ts/b' -vP", new[] { "-r", "200M", "-T", "/ts/a=/ts/b", "-vP" })]
    // A value that looks like an option is still the value, the tablespace mapping's here.
    [InlineData("--tablespace-mapping -D=/x --no-verify-checksums", new[] { "--tablespace-mapping", "-D=/x", "--no-verify-checksums" })]
    [InlineData("-r-D", new[] { "-r-D" })]
    public void Options_of_the_users_own_are_added_as_split(string text, string[] arguments)
    {
        var (added, check) = BaseBackupOptions.Parse(text);

        Assert.True(check.Passed, check.Message);
        Assert.Equal(arguments, added);
    }

    [Theory]
    [InlineData("--pgdata=/elsewhere", "--pgdata (set by data_directory in pgward.conf)")]
    [InlineData("--max-rate=1M -D /elsewhere", "-D (set by data_directory in pgward.conf)")]
    [InlineData("-PX fetch", "-X (set by pgward, which streams the WAL (stream))")]
    [InlineData("--wal-m=fetch", "--wal-m (set by pgward, which streams the WAL (stream))")]
    [InlineData("--no-slot", "--no-slot (set by use_replication_slots)")]
    [InlineData("-R", "-R (set by pgward, which writes primary_conninfo itself)")]
    [InlineData("--checkpoint fast", "--checkpoint (set by standby clone's --fast-checkpoint)")]
    [InlineData("-d 'host=elsewhere'", "-d (set by standby clone's -h/-p/-U/-d)")]
    public void Options_pgward_sets_itself_are_refused_with_what_decides_them(string text, string refused)
    {
        var (added, check) = BaseBackupOptions.Parse(text);

        Assert.False(check.Passed);
        Assert.Empty(added);
        Assert.Contains(refused, check.Message, StringComparison.Ordinal);
        Assert.EndsWith("remove it from pgward.conf", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_does_not_split_is_refused() =>
        Assert.Equal("pg_basebackup_options does not split into arguments: unterminated ' at character 10",
            BaseBackupOptions.Parse("--waldir='/wal").Check.Message);

    [Fact]
    public void Ambiguous_abbreviation_is_left_to_pg_basebackup() =>
        Assert.True(BaseBackupOptions.Parse("--no-s").Check.Passed);
}
