using Npgsql;
using Pgward.Agent.Failover;
using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>
/// The agent's automatic follow and rejoin (<see cref="FailoverActuator"/>), in-process on real servers: RELIABILITY.md's
/// defects 2, 3 and 10, each found by the chaos suite and guarded here by itself.
/// </summary>
public sealed class FailoverActuatorFollowTests : PgIntegrationTest
{
    /// <summary>What the rejoin reports when it rewound, and when it cloned afresh (RejoinSteps).</summary>
    private const string Rewound = "pg_rewind copied the changed blocks";
    private const string Recloned = "cloning this node afresh";

    // Long enough that a follow or rejoin still waiting them out (the defects) fails the time bounds below.
    private static readonly TimeSpan ConfiguredFollowTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ConfiguredRejoinTimeout = TimeSpan.FromSeconds(60);

    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    /// <summary>Defect 2: the old primary's WAL reached the standby after the follow's check, so it could never
    /// stream from the new primary, and the follow waited out <c>standby_follow_timeout</c>. Also its sibling, when the
    /// poll happens to catch it: the forked standby's receiver shows <c>streaming</c> from the new primary for an instant
    /// each time it re-fetches the old timeline, and the follow took that for success (it now wants the upstream's timeline).</summary>
    [Fact]
    public async Task Standby_whose_history_forked_from_the_new_primary_rejoins_by_rewind_within_seconds_instead_of_waiting_out_the_follow_timeout()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE t (id int); INSERT INTO t VALUES (1)", Token);
        await WaitForReceivedAsync(sandbox, 1, [2, 3]);
        await PromoteAsync(sandbox, 2);
        var primary = await RecordAsync(sandbox, 2);
        var (actuator, output) = Actuator(sandbox.Config(3), o => o with { AutoRejoin = true, StandbyFollowTimeout = ConfiguredFollowTimeout });

        // The follow is held on the new primary's node records, after it read this standby's position: the old
        // primary's WAL then arrives past the fork, as it did when the old primary thawed after the election.
        await using var hold = new NpgsqlConnection(sandbox.ConnectionString(2));
        await hold.OpenAsync(Token);
        await using var transaction = await hold.BeginTransactionAsync(Token);
        await using (var lockNodes = new NpgsqlCommand("LOCK TABLE pgward.nodes IN ACCESS EXCLUSIVE MODE", hold, transaction))
        {
            await lockNodes.ExecuteNonQueryAsync(Token);
        }
        var follow = actuator.FollowAsync(2, primary, "its upstream node 1 is no longer the primary", Token);
        await Sql.WaitUntilAsync(async () => follow.IsCompleted || await Sql.ScalarAsync<long>(sandbox.ConnectionString(2),
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'pgward.nodes'::regclass", Token) > 0, Token);
        Assert.False(follow.IsCompleted, $"the follow ended before it read the node records\n{output}");
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "INSERT INTO t SELECT generate_series(2, 1000)", Token);
        await WaitForReceivedAsync(sandbox, 1, [3]);
        await transaction.CommitAsync(Token);
        var released = TimeProvider.System.GetTimestamp();

        var outcome = await follow;
        var took = TimeProvider.System.GetElapsedTime(released);

        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Detail}\n{output}");
        Assert.True(took < TimeSpan.FromSeconds(30), $"the follow took {took.TotalSeconds:0.0} s (standby_follow_timeout is {ConfiguredFollowTimeout.TotalSeconds:0} s)\n{output}");
        Assert.Contains(Rewound, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Recloned, output.ToString(), StringComparison.Ordinal);
        await AssertStreamsFromAsync(sandbox, 3, 2);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(3), "SELECT count(*) FROM t", Token));
    }

    /// <summary>Defect 3: the automatic rejoin asked <c>node rejoin</c> without <c>--force-rewind</c>, which refuses a
    /// forked node, so every rejoin became a full re-clone.</summary>
    [Fact]
    public async Task Old_primary_whose_history_forked_rejoins_by_pg_rewind_not_by_a_full_reclone()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE t (id int); INSERT INTO t VALUES (1)", Token);
        await WaitForReceivedAsync(sandbox, 1, [2]);
        await PromoteAsync(sandbox, 2);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "INSERT INTO t SELECT generate_series(2, 1000)", Token);
        var primary = await RecordAsync(sandbox, 2);
        var (actuator, output) = Actuator(sandbox.Config(1), o => o with { AutoRejoin = true });

        var outcome = await actuator.RejoinAsync(primary, Token);

        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Detail}\n{output}");
        Assert.Contains(Rewound, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Recloned, output.ToString(), StringComparison.Ordinal);
        await AssertStreamsFromAsync(sandbox, 1, 2);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "SELECT count(*) FROM t", Token));
    }

    /// <summary>Defect 10: the new primary no longer held the WAL the rewound node needed (no slot for it, the segment
    /// recycled); the rejoin waited <c>node_rejoin_timeout</c> for streaming that could never start, and the re-clone
    /// after it refused because that wait had left the server running.</summary>
    [Fact]
    public async Task Node_rejoining_a_primary_that_lacks_the_WAL_it_needs_is_recloned_within_seconds_instead_of_waiting_out_the_rejoin_timeout()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "CREATE TABLE t (id int); INSERT INTO t VALUES (1)", Token);
        await WaitForReceivedAsync(sandbox, 1, [2]);
        await PromoteAsync(sandbox, 2);
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), "INSERT INTO t SELECT generate_series(2, 1000)", Token);
        await RecycleWalAsync(sandbox, 2);
        var primary = await RecordAsync(sandbox, 2);
        var (actuator, output) = Actuator(sandbox.Config(1), o => o with { AutoRejoin = true, NodeRejoinTimeout = ConfiguredRejoinTimeout });
        var started = TimeProvider.System.GetTimestamp();

        var outcome = await actuator.RejoinAsync(primary, Token);
        var took = TimeProvider.System.GetElapsedTime(started);

        Assert.True(outcome.Succeeded, $"{outcome.Error}: {outcome.Detail}\n{output}");
        Assert.True(took < TimeSpan.FromSeconds(50), $"the rejoin took {took.TotalSeconds:0.0} s (node_rejoin_timeout is {ConfiguredRejoinTimeout.TotalSeconds:0} s)\n{output}");
        Assert.Contains(Recloned, output.ToString(), StringComparison.Ordinal);
        await AssertStreamsFromAsync(sandbox, 1, 2);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(sandbox.ConnectionString(1), "SELECT count(*) FROM t", Token));
    }

    /// <summary>The actuator as the daemon builds it (FailoverDriver.RunAsync), on the node of <paramref name="config"/>,
    /// with what its operations report (info and up) captured.</summary>
    private static (FailoverActuator Actuator, StringWriter Output) Actuator(string config, Func<NodeOptions, NodeOptions> change)
    {
        var output = new StringWriter();
        return (AgentContext.Actuator(AgentContext.From(config, output, change)), output);
    }

    /// <summary><c>standby promote -F</c>: the node records on it name it the primary, while the old one runs on.</summary>
    private async Task PromoteAsync(Sandbox sandbox, int nodeId)
    {
        var promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(nodeId), "standby", "promote", "-F");
        Assert.True(promote.ExitCode == 0, promote.ToString());
    }

    private async Task<NodeRecord> RecordAsync(Sandbox sandbox, int nodeId)
    {
        await using var connection = new NpgsqlConnection(sandbox.ConnectionString(nodeId));
        await connection.OpenAsync(Token);
        var record = await new MetadataStore(connection).GetNodeAsync(nodeId, Token);
        Assert.NotNull(record);
        return record;
    }

    /// <summary>Waits until each of <paramref name="standbys"/> has received all WAL written on <paramref name="primaryId"/> so far.</summary>
    private async Task WaitForReceivedAsync(Sandbox sandbox, int primaryId, int[] standbys)
    {
        var written = await Sql.ScalarAsync<string>(sandbox.ConnectionString(primaryId), "SELECT pg_current_wal_lsn()::text", Token);
        foreach (var standby in standbys)
        {
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<bool?>(sandbox.ConnectionString(standby),
                $"SELECT pg_last_wal_receive_lsn() >= '{written}'::pg_lsn", Token) == true, Token);
        }
    }

    /// <summary>The primary keeps no WAL for anyone: no slots, no <c>wal_keep_size</c>, its early segments recycled.</summary>
    private async Task RecycleWalAsync(Sandbox sandbox, int nodeId)
    {
        var connection = sandbox.ConnectionString(nodeId);
        await Sql.ExecuteAsync(connection, "ALTER SYSTEM SET wal_keep_size = 0", Token);
        await Sql.ExecuteAsync(connection, "SELECT pg_reload_conf()", Token);
        await Sql.ExecuteAsync(connection, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active", Token);
        var first = await Sql.ScalarAsync<string>(connection, "SELECT min(name) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'", Token);
        for (var i = 0; i < 4; i++)
        {
            await Sql.ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS churn (id int); INSERT INTO churn VALUES (1); SELECT pg_switch_wal(); CHECKPOINT", Token);
        }
        var now = await Sql.ScalarAsync<string>(connection, "SELECT min(name) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'", Token);
        Assert.True(string.CompareOrdinal(now[8..], first[8..]) > 0, $"segment {first} was not recycled (oldest now {now})");
    }

    private async Task AssertStreamsFromAsync(Sandbox sandbox, int standby, int upstream)
    {
        var port = sandbox.BasePort + upstream - 1;
        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(sandbox.ConnectionString(standby),
            $"SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming' AND sender_port = {port}", Token) == 1, Token);
    }
}
