using Pgward.Cluster;
using Xunit;
using static Pgward.UnitTests.Cluster.TestData;

namespace Pgward.UnitTests.Cluster;

public class KnownNodesCacheTests
{
    [Fact]
    public void Load_returns_what_Save_wrote_beside_the_config_file()
    {
        using var dir = new TempDirectory();
        var config = dir.File("pgward.conf");
        var nodes = new[] { Primary(1), Standby(2, upstream: 1) with { Conninfo = "host=node2 application_name='a\tb'" } };

        KnownNodesCache.Save(config, nodes);

        Assert.True(File.Exists(dir.File("pgward.nodes.cache")));
        Assert.Equal(nodes.Select(n => (n.NodeId, n.Conninfo)), KnownNodesCache.Load(config));
    }

    [Fact]
    public void Save_writes_conninfos_readable_by_the_owner_only_and_tightens_an_older_cache()
    {
        using var dir = new TempDirectory();
        var config = dir.File("pgward.conf");
        var nodes = new[] { Primary(1) with { Conninfo = "host=node1 password=secret" } };
        File.WriteAllLines(dir.File("pgward.nodes.cache"), ["1\thost=node1 password=secret"]);
        File.SetUnixFileMode(dir.File("pgward.nodes.cache"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        KnownNodesCache.Save(config, nodes);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("pgward.nodes.cache")));
        File.Delete(dir.File("pgward.nodes.cache"));
        KnownNodesCache.Save(config, nodes);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("pgward.nodes.cache")));
    }

    [Fact]
    public void Load_skips_garbage_lines()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("pgward.nodes.cache"), ["garbage", "x\thost=a", "", "3\thost=node3"]);

        Assert.Equal([(3, "host=node3")], KnownNodesCache.Load(dir.File("pgward.conf")));
    }

    [Fact]
    public void Load_returns_empty_list_when_cache_file_is_missing()
    {
        using var dir = new TempDirectory();

        Assert.Empty(KnownNodesCache.Load(dir.File("pgward.conf")));
    }

    [Fact]
    public void Load_and_Save_do_nothing_when_there_is_no_config_file()
    {
        KnownNodesCache.Save(configFile: null, [Primary(1)]);

        Assert.Null(KnownNodesCache.PathFor(null));
        Assert.Empty(KnownNodesCache.Load(null));
    }
}
