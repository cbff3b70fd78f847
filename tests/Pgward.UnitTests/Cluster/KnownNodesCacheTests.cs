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
        KnownNodesCache.Save(null, [Primary(1)]);

        Assert.Null(KnownNodesCache.PathFor(null));
        Assert.Empty(KnownNodesCache.Load(null));
    }
}
