using Pgward.Backup;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class BackupFileModesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Tighten_takes_other_users_access_from_a_tree_an_older_pgward_wrote_and_counts_what_it_changed()
    {
        var root = _dir.File("backup");
        var folder = Path.Combine(root, "wals", "0000000100000000");
        Directory.CreateDirectory(folder);
        var segment = Path.Combine(folder, "000000010000000000000003.zst");
        File.WriteAllText(segment, "wal");
        var own = Path.Combine(root, "identity.json");
        File.WriteAllText(own, "{}");
        File.SetUnixFileMode(segment, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(own, BackupFileModes.File);
        foreach (var directory in new[] { root, Path.Combine(root, "wals"), folder })
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }

        Assert.Equal(4, BackupFileModes.Tighten(root));

        Assert.Equal(BackupFileModes.File, File.GetUnixFileMode(segment));
        Assert.Equal(BackupFileModes.File, File.GetUnixFileMode(own));
        Assert.Equal(BackupFileModes.Directory, File.GetUnixFileMode(folder));
        Assert.Equal(BackupFileModes.Directory, File.GetUnixFileMode(root));
        Assert.Equal(0, BackupFileModes.Tighten(root));
    }
}
