using Npgsql;
using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>
/// <c>commit_lease</c> in async mode: a primary acknowledges a commit only while its agent holds the lease. The fault
/// suite's old-primary-returns:async seeds 108, 112 and 223 saw a thawed old primary acknowledge writes for 25 to
/// 193 ms beside the new one; these tests pin the mechanism down on one session each.
/// </summary>
public sealed class CommitLeaseTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    /// <summary>How long a commit that the lease holds back is watched before the test calls it held.</summary>
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Commit_sent_to_a_thawed_old_primary_is_acknowledged_only_without_the_lease(bool lease)
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token, $"commit_lease = {(lease ? "true" : "false")}");
        if (lease)
        {
            await WaitForLeaseAsync(cluster, 1);
        }
        // A standby that has not heard the primary's agent since it started does not stand for election (docs/failover.md,
        // "agents starting one by one"): give the just started agents a few heartbeats before the freeze.
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, Token);
        // A session opened before the freeze: on thaw it reaches the old primary before its agent has looked at anything.
        await using var session = await OpenAsync(cluster.Sandbox.ConnectionString(1));
        await ExecuteAsync(session, "CREATE TABLE thaw (id int)");

        cluster.Freeze(1, frozen: true);
        try
        {
            await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
        }
        finally
        {
            cluster.Freeze(1, frozen: false);
        }
        var commit = ExecuteAsync(session, "INSERT INTO thaw VALUES (1)");
        var acknowledged = await AcknowledgedWithinAsync(commit, Held);

        if (lease)
        {
            Assert.False(acknowledged, $"the thawed old primary acknowledged a commit beside the new primary\n{cluster.Agents.Logs()}");
        }
        else
        {
            // The race the lease closes: without it the backend resumes and commits before the agent fences.
            Assert.True(acknowledged, "without the commit lease the thawed primary was expected to acknowledge at once");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Primary_stalled_past_the_fence_timeout_but_short_of_detection_keeps_running_only_with_the_lease(bool lease)
    {
        // old-primary-returns seeds 6 and 107: such a primary was crash stopped, restarted read-only and promoted again
        // on a new timeline. With the lease its commits wait while the lease is lapsed, and the fence first waits for
        // the voters' answers to the heartbeats it sends on resuming. Detection at 4 s (not 2 s) leaves a busy machine
        // room between the 2 s stall and a failover.
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token,
            $"commit_lease = {(lease ? "true" : "false")}", "reconnect_attempts = 4");
        if (lease)
        {
            await WaitForLeaseAsync(cluster, 1);
        }
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, Token);
        var terms = await cluster.TermsAsync(Token);
        var postmaster = PostmasterPid.Read(cluster.Sandbox.DataDirectory(1));

        cluster.Freeze(1, frozen: true);
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, Token);
        cluster.Freeze(1, frozen: false);

        // The fence (without the lease) is on its way: watch the postmaster for a few seconds.
        var restarted = false;
        for (var i = 0; i < 50 && !restarted; i++)
        {
            restarted = PostmasterPid.Read(cluster.Sandbox.DataDirectory(1)) != postmaster;
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Token);
        }
        Assert.True(restarted != lease, $"postmaster restarted: {restarted}\n{cluster.Agents.Logs()}");
        Assert.Equal(terms, await cluster.TermsAsync(Token));
        if (lease)
        {
            await using var session = await OpenAsync(cluster.Sandbox.ConnectionString(1));
            await ExecuteAsync(session, "CREATE TABLE stalled (id int)");
        }
    }

    [Fact]
    public async Task Primary_whose_agent_was_killed_holds_commits_back_and_lets_them_go_when_the_agent_leads_again()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 2, witness: true, Token);
        await WaitForLeaseAsync(cluster, 1);
        await using var session = await OpenAsync(cluster.Sandbox.ConnectionString(1));
        await ExecuteAsync(session, "CREATE TABLE orphan (id int)");
        // Nobody may promote meanwhile: the point is the old primary's own behaviour without its agent.
        var pause = await PgwardCli.RunAsync(Token, "-f", cluster.Config(2), "daemon", "pause");
        Assert.True(pause.ExitCode == 0, pause.ToString());

        await cluster.Agents.KillAsync(1);
        var commit = ExecuteAsync(session, "INSERT INTO orphan VALUES (1)");
        Assert.False(await AcknowledgedWithinAsync(commit, Held), "a primary without its agent acknowledged a commit");

        cluster.Agents.Start(1, cluster.Config(1));
        // The restarted agent finds itself the leader of the current term, is acknowledged by a majority, and opens
        // the lease again: the waiting commit completes.
        await commit.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, Token);
        Assert.Equal(1L, await ScalarAsync(session, "SELECT count(*) FROM orphan"));
    }

    [Fact]
    public async Task Lease_connection_is_no_standby_in_cluster_show_and_node_check()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 2, witness: false, Token);
        await WaitForLeaseAsync(cluster, 1);

        var show = await PgwardCli.RunAsync(Token, "-f", cluster.Config(1), "cluster", "show");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.DoesNotContain(CommitLeaseName, show.Out, StringComparison.Ordinal);
        var check = await PgwardCli.RunAsync(Token, "-f", cluster.Config(1), "node", "check", "--downstream");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("1 of 1 downstream nodes attached", check.Out, StringComparison.Ordinal);
        var status = await PgwardCli.RunAsync(Token, "-f", cluster.Config(1), "node", "status");
        Assert.DoesNotContain(CommitLeaseName, status.Out, StringComparison.Ordinal);
    }

    private const string CommitLeaseName = CommitLeaseStandby.Name;

    private async Task WaitForLeaseAsync(FailoverCluster cluster, int nodeId)
    {
        await using var connection = await OpenAsync(cluster.Sandbox.ConnectionString(nodeId));
        await cluster.WaitAsync(async () =>
            await ScalarAsync(connection, $"SELECT count(*) FROM pg_stat_replication WHERE application_name = '{CommitLeaseName}' AND sync_state = 'sync'") == 1
            && await ScalarAsync(connection, "SELECT count(*) FROM pg_settings WHERE name = 'synchronous_standby_names' AND setting = '" + CommitLeaseName + "'") == 1,
            TimeSpan.FromSeconds(30), $"node {nodeId}'s commit lease", Token);
    }

    private async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString + ";Command Timeout=0");
        await connection.OpenAsync(Token);
        return connection;
    }

    private async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Token);
    }

    private async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }

    /// <summary>Whether <paramref name="commit"/> succeeded within <paramref name="limit"/>; an error (the fence's
    /// shutdown ends the session) or no answer means not acknowledged.</summary>
    private static async Task<bool> AcknowledgedWithinAsync(Task commit, TimeSpan limit)
    {
        await Task.WhenAny(commit, Task.Delay(limit, TimeProvider.System));
        return commit.IsCompletedSuccessfully;
    }
}
