using Pgward.Cluster.Clone;
using Xunit;

namespace Pgward.UnitTests.Cluster.Clone;

public sealed class DataDirectoryStateTests
{
    /// <summary>A standby cloned with --waldir and a tablespace mapping: what its links point to goes with it, except
    /// what is not this server's (another major version's directory in the same tablespace location).</summary>
    [Fact]
    public void Empty_clears_the_linked_WAL_directory_and_this_servers_tablespace_directories_and_nothing_else()
    {
        using var temp = new TempDirectory();
        var data = Directory.CreateDirectory(temp.File("data")).FullName;
        var wal = Directory.CreateDirectory(temp.File("wal")).FullName;
        var location = Directory.CreateDirectory(temp.File("ts")).FullName;
        File.WriteAllText(Path.Combine(data, "PG_VERSION"), "15\n");
        File.WriteAllText(Path.Combine(wal, "000000010000000000000001"), "");
        Directory.CreateDirectory(Path.Combine(location, "PG_15_202209061", "5"));
        Directory.CreateDirectory(Path.Combine(location, "PG_16_202307071"));
        Directory.CreateSymbolicLink(Path.Combine(data, "pg_wal"), wal);
        Directory.CreateDirectory(Path.Combine(data, "pg_tblspc"));
        Directory.CreateSymbolicLink(Path.Combine(data, "pg_tblspc", "16384"), location);
        Directory.CreateDirectory(Path.Combine(data, "base", "1"));
        var state = DataDirectoryState.Inspect(data);

        Assert.EndsWith($"and the WAL in \"{wal}\" and this server's files in its 1 tablespace", state.Describe(force: true), StringComparison.Ordinal);
        state.Empty();

        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
        Assert.Empty(Directory.EnumerateFileSystemEntries(wal));
        Assert.Equal([Path.Combine(location, "PG_16_202307071")], Directory.EnumerateFileSystemEntries(location));
    }

    [Fact]
    public void Forced_clone_over_a_plain_directory_says_nothing_of_links()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("x"), "");

        Assert.EndsWith("its contents will be deleted (-F/--force)", DataDirectoryState.Inspect(temp.Path).Describe(force: true), StringComparison.Ordinal);
    }
}
