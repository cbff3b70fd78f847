using Pgward.Cluster.Clone;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Cluster.Clone;

public sealed class ClonePortTests
{
    [Fact]
    public void Decide_sets_the_port_from_conninfo_when_the_upstream_listens_on_another()
    {
        var (check, port) = ClonePort.Decide(Conninfo.Parse("host=127.0.0.1 port=17002 user=pgward"), upstreamPort: 17001);

        Assert.Equal(17002, port);
        Assert.True(check.Passed);
        Assert.Contains("\"port = 17002\" will be written to postgresql.auto.conf", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_leaves_the_copied_port_when_it_is_the_one_in_conninfo()
    {
        Assert.Null(ClonePort.Decide(Conninfo.Parse("host=db2 port=5433 user=pgward"), upstreamPort: 5433).PortToSet);
        // No port in conninfo means libpq's 5432.
        Assert.Null(ClonePort.Decide(Conninfo.Parse("host=db2 user=pgward"), upstreamPort: 5432).PortToSet);
        Assert.Equal(5432, ClonePort.Decide(Conninfo.Parse("host=db2 user=pgward"), upstreamPort: 5433).PortToSet);
    }
}
