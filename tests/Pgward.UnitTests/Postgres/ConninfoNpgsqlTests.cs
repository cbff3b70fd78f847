using Npgsql;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class ConninfoNpgsqlTests
{
    private static NpgsqlConnectionStringBuilder Map(string conninfo) =>
        new(Conninfo.Parse(conninfo).ToNpgsqlConnectionString());

    [Fact]
    public void ToNpgsqlConnectionString_maps_repmgr_style_conninfo()
    {
        var builder = Map("host=127.0.0.1 port=5501 user=pgward password='p w' dbname=pgward connect_timeout=2 application_name=node1");

        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal(5501, builder.Port);
        Assert.Equal("pgward", builder.Username);
        Assert.Equal("p w", builder.Password);
        Assert.Equal("pgward", builder.Database);
        Assert.Equal(2, builder.Timeout);
        Assert.Equal("node1", builder.ApplicationName);
    }

    [Fact]
    public void ToNpgsqlConnectionString_maps_ssl_session_and_keepalive_options()
    {
        var builder = Map("host=a,b sslmode=verify-full target_session_attrs=read-write passfile=/p options='-c x=1' keepalives=1 keepalives_idle=10 keepalives_interval=3 keepalives_count=3");

        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal("read-write", builder.TargetSessionAttributes);
        Assert.Equal("/p", builder.Passfile);
        Assert.Equal("-c x=1", builder.Options);
        Assert.True(builder.TcpKeepAlive);
        Assert.Equal(10, builder.TcpKeepAliveTime);
        Assert.Equal(3, builder.TcpKeepAliveInterval);
    }

    [Theory]
    [InlineData("host=a,b port=1,2", "a:1,b:2")]
    [InlineData("host=a,b port=5433", "a:5433,b:5433")]
    [InlineData("host=a,b", "a:5432,b:5432")]
    [InlineData("host=a,b port=,6000", "a:5432,b:6000")]
    [InlineData("host=::1,a port=1,2", "[::1]:1,a:2")]
    [InlineData("hostaddr=10.0.0.1,10.0.0.2 port=1,2", "10.0.0.1:1,10.0.0.2:2")]
    public void ToNpgsqlConnectionString_uses_host_port_list_when_several_hosts(string conninfo, string expectedHost) =>
        Assert.Equal(expectedHost, Map(conninfo).Host);

    [Fact]
    public void ToNpgsqlConnectionString_connects_to_hostaddr_when_given()
    {
        var builder = Map("host=db1.example hostaddr=10.0.0.1 port=5501");

        Assert.Equal("10.0.0.1", builder.Host);
        Assert.Equal(5501, builder.Port);
    }

    [Theory]
    [InlineData("connect_timeout=0", 0)]
    [InlineData("connect_timeout=-5", 0)]
    [InlineData("connect_timeout=1", 2)]
    [InlineData("connect_timeout=10", 10)]
    [InlineData("connect_timeout=5000", 1024)]
    public void ToNpgsqlConnectionString_follows_libpq_connect_timeout_rules(string conninfo, int expectedSeconds) =>
        Assert.Equal(expectedSeconds, Map(conninfo).Timeout);

    [Fact]
    public void ToNpgsqlConnectionString_uses_fallback_application_name_only_when_no_application_name()
    {
        Assert.Equal("fb", Map("fallback_application_name=fb").ApplicationName);
        Assert.Equal("app", Map("fallback_application_name=fb application_name=app").ApplicationName);
    }

    [Fact]
    public void ToNpgsqlConnectionString_lets_sslmode_win_over_requiressl_when_both_given() =>
        Assert.Equal(SslMode.Disable, Map("sslmode=disable requiressl=1").SslMode);

    [Theory]
    [InlineData("replication=0 gssdelegation=0 sslcompression=1 tcp_user_timeout=0")]
    [InlineData("sslcertmode=allow gsslib=sspi sslsni=1")]
    public void ToNpgsqlConnectionString_ignores_keywords_that_change_nothing(string conninfo) =>
        Assert.True(Conninfo.Parse(conninfo).TryToNpgsqlConnectionString(out _, out _));

    [Theory]
    [InlineData("service=mydb", "\"service=mydb\" is not supported")]
    [InlineData("replication=database", "\"replication=database\" is not supported")]
    [InlineData("sslcrl=/crl.pem", "\"sslcrl=/crl.pem\" is not supported")]
    [InlineData("tcp_user_timeout=1000", "\"tcp_user_timeout=1000\" is not supported")]
    [InlineData("sslmode=sometimes", "invalid sslmode value: \"sometimes\"")]
    [InlineData("connect_timeout=soon", "invalid integer value \"soon\" for connection option \"connect_timeout\"")]
    [InlineData("host=a,b,c port=1,2", "could not match 2 port numbers to 3 hosts")]
    [InlineData("host=a target_session_attrs=read-write", "target_session_attrs=read-write needs several hosts")]
    [InlineData("host=n hostaddr=10.0.0.1 sslmode=verify-full", "sslmode=verify-full is not supported")]
    public void ToNpgsqlConnectionString_rejects_with_reason_when_behaviour_would_change(string conninfo, string expectedError)
    {
        var parsed = Conninfo.Parse(conninfo);

        Assert.False(parsed.TryToNpgsqlConnectionString(out var connectionString, out var error));
        Assert.Null(connectionString);
        Assert.Contains(expectedError, error, StringComparison.Ordinal);
        Assert.Contains(expectedError, Assert.Throws<NotSupportedException>(() => parsed.ToNpgsqlConnectionString()).Message, StringComparison.Ordinal);
    }
}
