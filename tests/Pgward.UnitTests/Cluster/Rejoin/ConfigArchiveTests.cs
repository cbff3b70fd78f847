using Pgward.Cluster.Rejoin;
using Xunit;

namespace Pgward.UnitTests.Cluster.Rejoin;

public sealed class ConfigArchiveTests
{
    [Fact]
    public async Task SaveAsync_keeps_copies_in_a_directory_only_its_owner_can_enter_with_the_original_modes()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");
        Directory.CreateDirectory(Path.Combine(data, "conf.d"));
        var autoConf = Path.Combine(data, "postgresql.auto.conf");
        await File.WriteAllTextAsync(autoConf, "primary_conninfo = 'host=node1 password=secret'\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(autoConf, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var extra = Path.Combine(data, "conf.d", "extra.conf");
        await File.WriteAllTextAsync(extra, "work_mem = '8MB'\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(extra, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var archive = ConfigArchive.For(data, "node1");

        await archive.SaveAsync([autoConf, extra], TestContext.Current.CancellationToken);

        var ownerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerOnlyDirectory, File.GetUnixFileMode(archive.Directory));
        Assert.Equal(ownerOnlyDirectory, File.GetUnixFileMode(Path.Combine(archive.Directory, "conf.d")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(archive.Directory, "postgresql.auto.conf")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
            File.GetUnixFileMode(Path.Combine(archive.Directory, "conf.d", "extra.conf")));
    }
}
