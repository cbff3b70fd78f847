using Pgward.Core.IO;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.IO;

public sealed class DurableFileTests
{
    private const UnixFileMode WorldReadable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public void WriteAllText_replaces_a_world_readable_file_with_one_readable_by_its_owner_only()
    {
        using var dir = new TempDirectory();
        var path = dir.File("pgward.nodes.cache");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, WorldReadable);

        DurableFile.WriteAllText(path, "1\thost=a password=secret\n");

        Assert.Equal("1\thost=a password=secret\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["pgward.nodes.cache"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_keeps_the_mode_it_is_given()
    {
        using var dir = new TempDirectory();
        var path = dir.File("public");

        DurableFile.WriteAllText(path, "x", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Write_fsyncs_the_directory_after_the_new_file_is_in_place()
    {
        using var dir = new TempDirectory();
        var path = dir.File("pgward-failover.state");
        File.WriteAllText(path, "term=1\n");
        var synced = new List<string>();

        DurableFile.Write(path, "term=2\n"u8, DurableFile.OwnerOnly, ownerLike: null, syncDirectory: directory =>
        {
            // The rename is what the directory fsync makes durable: it must already have happened.
            Assert.Equal("term=2\n", File.ReadAllText(path));
            Assert.Equal(["pgward-failover.state"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
            synced.Add(directory);
        });

        Assert.Equal([dir.Path], synced);
    }

    [Fact]
    public async Task WriteAsync_fsyncs_the_directory_after_the_new_file_is_in_place_and_writes_it_0600()
    {
        using var dir = new TempDirectory();
        var path = dir.File("000000010000000000000001.zst");
        var synced = new List<string>();

        await DurableFile.WriteAsync(path, new byte[] { 1, 2, 3 }, DurableFile.OwnerOnly, ownerLike: null,
            directory => synced.Add(File.Exists(path) ? directory : "(before the rename)"), TestContext.Current.CancellationToken);

        Assert.Equal([dir.Path], synced);
        Assert.Equal(new byte[] { 1, 2, 3 }, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(DurableFile.OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Write_leaves_no_temporary_file_and_does_not_sync_when_the_rename_fails()
    {
        using var dir = new TempDirectory();
        var path = dir.File("occupied");
        Directory.CreateDirectory(path);
        var synced = false;

        Assert.ThrowsAny<IOException>(() => DurableFile.Write(path, "x"u8, DurableFile.OwnerOnly, null, _ => synced = true));

        Assert.False(synced);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void SyncDirectory_of_a_real_directory_succeeds_and_of_a_missing_one_says_which()
    {
        using var dir = new TempDirectory();
        DurableFile.SyncDirectory(dir.Path);

        var missing = dir.File("gone");
        var error = Assert.Throws<IOException>(() => DurableFile.SyncDirectory(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileOwner_Match_gives_a_file_the_owner_of_its_reference()
    {
        using var dir = new TempDirectory();
        var path = dir.File("pgward-daemon.pid");
        File.WriteAllText(path, "1\n");

        // Unprivileged, nothing changes hands (and nothing needs to); as root the file takes the reference's owner.
        FileOwner.Match(path, dir.Path);
        FileOwner.Match(path, reference: null);
        FileOwner.Match(path, dir.File("missing"));

        Assert.Equal(FileOwner.Of(dir.Path), FileOwner.Of(path));
        Assert.Null(FileOwner.Of(dir.File("missing")));
    }
}
