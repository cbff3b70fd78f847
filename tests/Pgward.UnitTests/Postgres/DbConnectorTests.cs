using Npgsql;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class DbConnectorTests
{
    [Fact]
    public void New_sync_mode_primary_records_its_promotion_without_waiting_for_a_standby_because_pgward_commits_locally()
    {
        var built = new NpgsqlConnectionStringBuilder(DbConnector.ConnectionString("host=10.0.0.1 port=5432 user=pgward dbname=pgward"));
        Assert.Equal("-c synchronous_commit=local", built.Options);
        Assert.False(built.Pooling);
    }

    [Fact]
    public void Options_given_in_the_conninfo_are_kept_beside_the_local_commit()
    {
        var built = new NpgsqlConnectionStringBuilder(DbConnector.ConnectionString("host=db user=pgward options='-c work_mem=8MB'"));
        Assert.Equal("-c work_mem=8MB -c synchronous_commit=local", built.Options);
    }

    /// <summary>The dashboard's refreshes: pooled with an idle lifetime, nothing kept for its own sake, the rest as the
    /// operations' string.</summary>
    [Fact]
    public void Kept_connections_close_once_idle_for_the_time_asked_and_none_is_kept_for_its_own_sake()
    {
        var built = new NpgsqlConnectionStringBuilder(DbConnector.KeepingConnectionString(Conninfo, TimeSpan.FromSeconds(10)));
        Assert.True(built.Pooling);
        Assert.Equal(0, built.MinPoolSize);
        Assert.Equal(10, built.ConnectionIdleLifetime);
        Assert.Equal(5, built.ConnectionPruningInterval);
        Assert.Equal(2, built.Timeout);
        Assert.Equal("-c synchronous_commit=local", built.Options);
    }

    [Fact]
    public void A_keep_time_below_a_second_keeps_for_one()
    {
        var built = new NpgsqlConnectionStringBuilder(DbConnector.KeepingConnectionString(Conninfo, TimeSpan.FromMilliseconds(200)));
        Assert.Equal((1, 1), (built.ConnectionIdleLifetime, built.ConnectionPruningInterval));
    }

    private const string Conninfo = "host=127.0.0.1 port=5432 user=pgward dbname=pgward connect_timeout=2";
}
