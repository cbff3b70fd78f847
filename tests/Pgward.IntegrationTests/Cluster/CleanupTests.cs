using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class CleanupTests : PgIntegrationTest
{
    [Fact]
    public async Task Cluster_cleanup_deletes_monitoring_history_older_than_the_days_kept()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), """
            insert into pgward.monitoring_history
              (primary_node_id, standby_node_id, last_monitor_time, last_wal_primary_location, replication_lag, apply_lag)
            values (1, 2, now() - interval '10 days', '0/0', 0, 0),
                   (1, 2, now() - interval '1 day', '0/0', 0, 0)
            """, Token);

        var cleanup = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "cluster", "cleanup", "--keep-history", "5");

        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        Assert.Contains("1 monitoring history records older than 5 days deleted", cleanup.Error, StringComparison.Ordinal);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "select count(*) from pgward.monitoring_history", Token));
        var all = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "cleanup");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(0L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "select count(*) from pgward.monitoring_history", Token));
        var events = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "event", "--event", "cluster_cleanup", "--csv");
        Assert.Equal(2, events.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
