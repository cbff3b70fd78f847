using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class FailoverProbeTests
{
    [Fact]
    public void Socket_conninfo_keeps_user_database_and_password_and_asks_for_no_tls()
    {
        var conninfo = new PostmasterSocket("/var/run/postgresql", 5433).ConninfoThrough(
            "host=10.0.0.1 hostaddr=10.0.0.1 port=5432 user=pgward dbname=pgward password=secret sslmode=verify-full sslrootcert=/etc/ca.crt connect_timeout=1");
        var parsed = Conninfo.Parse(conninfo);

        Assert.Equal("/var/run/postgresql", parsed["host"]);
        Assert.Null(parsed["hostaddr"]);
        Assert.Equal("5433", parsed["port"]);
        Assert.Equal("disable", parsed["sslmode"]);
        Assert.Equal("pgward", parsed["user"]);
        Assert.Equal("pgward", parsed["dbname"]);
        Assert.Equal("secret", parsed["password"]);
        Assert.Equal("1", parsed["connect_timeout"]);
    }
}
