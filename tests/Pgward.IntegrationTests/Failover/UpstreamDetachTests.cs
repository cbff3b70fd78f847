using Pgward.Agent.Failover;
using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>
/// The detach a standby makes before its granted vote leaves (old-primary-returns:sync, seeds 6 and 106): once it
/// returns, the standby acknowledges nothing more from its old upstream, and what it reports received is final.
/// </summary>
public sealed class UpstreamDetachTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Standby_stops_streaming_before_its_vote_and_what_it_reports_received_stays_final_while_the_primary_writes_on()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE t (id int); INSERT INTO t VALUES (1)", Token);
        var written = await Sql.ScalarAsync<string>(sandbox.ConnectionString(1), "SELECT pg_current_wal_lsn()::text", Token);
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool>(sandbox.ConnectionString(2),
            $"SELECT pg_last_wal_receive_lsn() >= '{written}'::pg_lsn", Token), Token);

        var (received, timeline, problem) = await UpstreamDetach.RunAsync(AgentContext.From(sandbox.Config(2)), TimeSpan.FromSeconds(5), Token);

        Assert.Null(problem);
        Assert.Equal(1, timeline);
        Assert.True(received >= Lsn.Parse(written), $"received {received}, written {written}");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(2), "SELECT count(*) FROM pg_stat_wal_receiver", Token));
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(sandbox.ConnectionString(1),
            "SELECT count(*) FROM pg_stat_replication", Token) == 0, Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "INSERT INTO t SELECT generate_series(2, 1000)", Token);
        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System, Token);
        Assert.Equal(received!.Value.ToString(), await Sql.ScalarAsync<string>(sandbox.ConnectionString(2), "SELECT pg_last_wal_receive_lsn()::text", Token));

        // The follow that comes with the next heartbeat (or the new primary's) attaches it again.
        var follow = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "follow", "--upstream-node-id=1");
        Assert.True(follow.ExitCode == 0, follow.ToString());
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(sandbox.ConnectionString(2), "SELECT count(*) FROM t", Token) == 1000, Token);
    }

    [Fact]
    public async Task Primary_has_no_receiver_to_stop_and_reports_nothing()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 1, Token);

        var (received, timeline, problem) = await UpstreamDetach.RunAsync(AgentContext.From(sandbox.Config(1)), TimeSpan.FromSeconds(5), Token);

        Assert.Equal(((Lsn?)null, 0, (string?)null), (received, timeline, problem));
    }

    [Fact]
    public async Task Stopped_standby_receives_nothing_and_its_vote_can_go()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var stop = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "node", "service", "--action=stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());

        var (received, timeline, problem) = await UpstreamDetach.RunAsync(AgentContext.From(sandbox.Config(2)), TimeSpan.FromSeconds(5), Token);

        Assert.Equal(((Lsn?)null, 0, (string?)null), (received, timeline, problem));
    }
}
