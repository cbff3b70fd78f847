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
}
