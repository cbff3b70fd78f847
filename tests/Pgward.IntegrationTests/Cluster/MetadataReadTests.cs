using Npgsql;
using Pgward.Cluster;
using Pgward.IntegrationTests.Failover;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class MetadataReadTests : PgIntegrationTest
{
    /// <summary>A server that ends the read's session (57P01, as a fast shutdown does) while the node records are read
    /// is a server that is down: the records come from another node. The agent's failover loop reads them at its
    /// start, and an exception there stopped the agent (CI, a sibling stopped just after its agent started).</summary>
    [Fact]
    public async Task A_session_ended_during_the_read_falls_back_to_another_node_instead_of_throwing()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var ctx = AgentContext.From(sandbox.Config(1));

        // The read waits on a lock held here; its session is then ended by the server, mid-read.
        await using var holder = new NpgsqlConnection(sandbox.ConnectionString(1));
        await holder.OpenAsync(Token);
        await using var lockTx = await holder.BeginTransactionAsync(Token);
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE pgward.nodes IN ACCESS EXCLUSIVE MODE", holder, lockTx))
        {
            await lockCmd.ExecuteNonQueryAsync(Token);
        }
        var read = ClusterMetadata.ReadAsync(ctx, Token);
        int blocked = 0;
        await Sql.WaitUntilAsync(async () =>
        {
            blocked = await Sql.ScalarAsync<int>(sandbox.ConnectionString(1),
                "select coalesce(max(pid), 0) from pg_stat_activity where wait_event_type = 'Lock' and query like '%FROM pgward.nodes%'", Token);
            return blocked != 0;
        }, Token);
        Assert.True(await Sql.ScalarAsync<bool>(sandbox.ConnectionString(1), $"select pg_terminate_backend({blocked})", Token));
        await lockTx.RollbackAsync(Token);

        var (source, outcome) = await read;
        Assert.True(source is not null, outcome.Error);
        Assert.False(source.FromLocalNode);
        Assert.Equal(2, source.Nodes.Count);
    }
}
