using Pgward.Agent.Failover;
using Pgward.Core.Postgres;
using Pgward.Core.Postgres.Wire;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>
/// The commit lease's own replication client (<see cref="SocketLeaseStream"/>, <see cref="WalSenderConnection"/>)
/// against a real server's Unix-domain socket: each authentication it speaks, and what the lease rests on, that a commit
/// waiting for it is acknowledged once it confirms and held once the lease is no longer open.
/// </summary>
public sealed class SocketLeaseStreamTests : PgIntegrationTest
{
    private const string User = "lease_user";
    private const string Secret = "lease-secret-pw";

    [Theory]
    [InlineData("trust")]
    [InlineData("password")]
    [InlineData("md5")]
    [InlineData("scram-sha-256")]
    public async Task Lease_stream_authenticates_and_confirms_commits_only_while_open(string method)
    {
        var server = await StartAsync(method);
        var asked = 0;
        var open = true;
        await using (var stream = new SocketLeaseStream(Options(server, () =>
        {
            Interlocked.Increment(ref asked);
            return Secret;
        })))
        {
            await stream.OpenAsync(Token);
            Assert.Equal(method == "trust" ? 0 : 1, asked);
            var (timeline, end) = await stream.IdentifySystemAsync(Token);
            Assert.Equal(1u, timeline);
            var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var streaming = stream.StreamAsync(end / 8192 * 8192, timeline, () => Volatile.Read(ref open), () => confirmed.TrySetResult(), Token);
            await server.ExecuteAsync($"ALTER SYSTEM SET synchronous_standby_names = '{CommitLeaseStandby.Name}'; SELECT pg_reload_conf()", Token);
            await confirmed.Task.WaitAsync(TimeSpan.FromSeconds(20), TimeProvider.System, Token);

            // Acknowledged while the lease is open: each commit's WAL is confirmed as it arrives.
            await Commit(server, "CREATE TABLE leased (id int)").WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, Token);
            await Commit(server, "INSERT INTO leased VALUES (1)").WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, Token);

            // Closed: the next commit's WAL ends the stream, and the commit is not acknowledged.
            Volatile.Write(ref open, false);
            var held = Commit(server, "INSERT INTO leased VALUES (2)");
            await streaming.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, Token);
            await Task.Delay(TimeSpan.FromSeconds(1.5), TimeProvider.System, Token);
            Assert.False(held.IsCompleted, $"a commit was acknowledged after the lease closed ({held.Status}, {held.Exception?.Message})");

            // Released only by taking the lease out of synchronous_standby_names.
            await server.ExecuteAsync("ALTER SYSTEM RESET synchronous_standby_names; SELECT pg_reload_conf()", Token);
            await held.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, Token);
        }
    }

    [Fact]
    public async Task Wrong_password_is_a_refusal_that_names_the_server_error()
    {
        var server = await StartAsync("scram-sha-256");
        await using var stream = new SocketLeaseStream(Options(server, () => "not the password"));

        var error = await Assert.ThrowsAsync<ServerError>(() => stream.OpenAsync(Token));

        Assert.Equal("28P01", error.SqlState);
        Assert.DoesNotContain("not the password", error.Message, StringComparison.Ordinal);
        Assert.True(LeaseConnections.IsRefusal(error));
    }

    [Fact]
    public async Task Missing_password_is_a_refusal_of_this_side()
    {
        var server = await StartAsync("scram-sha-256");
        await using var stream = new SocketLeaseStream(Options(server, () => null));

        var error = await Assert.ThrowsAsync<WireAuthenticationException>(() => stream.OpenAsync(Token));

        Assert.Contains("No password has been provided", error.Message, StringComparison.Ordinal);
        Assert.True(LeaseConnections.IsRefusal(error));
    }

    [Fact]
    public async Task Cancelled_stream_ends_at_once_while_no_WAL_comes()
    {
        var server = await StartAsync("trust");
        await using var stream = new SocketLeaseStream(Options(server, () => null));
        await stream.OpenAsync(Token);
        var (timeline, end) = await stream.IdentifySystemAsync(Token);
        using var lapse = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var streaming = stream.StreamAsync(end / 8192 * 8192, timeline, () => true, () => { }, lapse.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System, Token);

        await lapse.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System, Token));
    }

    /// <summary>A server that shuts down (a DBA's restart of a guarded primary) ends the stream: said as such in the
    /// agent's log, not as "an unexpected message 'C'".</summary>
    [Fact]
    public async Task Server_shutting_down_ends_the_stream_in_those_words()
    {
        var server = await StartAsync("trust");
        await using var stream = new SocketLeaseStream(Options(server, () => null));
        await stream.OpenAsync(Token);
        var (timeline, end) = await stream.IdentifySystemAsync(Token);
        var streaming = stream.StreamAsync(end / 8192 * 8192, timeline, () => true, () => { }, Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System, Token);

        await server.StopAsync(immediate: false, Token);

        var ended = await Assert.ThrowsAsync<IOException>(() => streaming.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System, Token));
        Assert.Equal("the server ended the replication stream", ended.Message);
    }

    /// <summary>The test servers run with synchronous_commit off: a commit that waits for the lease sets it on.</summary>
    private Task Commit(PgServer server, string sql) => server.ExecuteAsync($"SET synchronous_commit = on; {sql}", Token);

    private async Task<PgServer> StartAsync(string method)
    {
        var server = await StartServerAsync("primary", PgServerSettings.Default with { ExtraHbaLines = [$"local replication {User} {method}"] });
        var encryption = method == "md5" ? "md5" : "scram-sha-256";
        await server.ExecuteAsync($"SET password_encryption = '{encryption}'; CREATE ROLE {User} LOGIN REPLICATION PASSWORD '{Secret}'", Token);
        return server;
    }

    private static WalSenderOptions Options(PgServer server, Func<string?> password)
    {
        var socket = PostmasterSocket.Read(server.DataDirectory) ?? throw new InvalidOperationException("the server has no socket");
        return new WalSenderOptions(socket.FilePath, User, null, CommitLeaseStandby.Name, password, TimeSpan.FromSeconds(5), TimeProvider.System);
    }
}
