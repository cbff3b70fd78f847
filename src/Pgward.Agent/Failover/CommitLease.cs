using Microsoft.Extensions.Logging;
using Npgsql;
using Pgward.Cluster;
using Pgward.Core.Postgres;
using Pgward.Core.Postgres.Wire;
using Pgward.Failover;

namespace Pgward.Agent.Failover;

/// <summary>
/// <c>commit_lease</c> in async mode. The local primary's <c>synchronous_standby_names</c> names this agent's
/// replication connection, <see cref="CommitLeaseStandby.Name"/>, which confirms the WAL it receives only while
/// <see cref="FailoverNode.CommitsAllowedUntil"/> lies ahead; so every commit (with <c>synchronous_commit</c> on or
/// remote_apply) waits until, after it was written, the agent saw a majority of voters still acknowledging this
/// primary. Why: a host frozen past detection resumes PostgreSQL and the agent together, and without this the commits
/// waiting in its sockets were acknowledged before the agent's first tick, beside the new primary (fault suite,
/// old-primary-returns:async seeds 108, 112, 223). On resuming, the connection's first act is to look at the clock.
/// When the lease lapses the connection closes: nothing more is confirmed, and a shutdown does not wait for it.
/// An agent that dies takes its confirmations with it, so its primary stops acknowledging commits too.
/// </summary>
/// <param name="syncModeSetting">What pgward itself sets in sync mode on this node: after a switch from sync to async
/// mode the lease replaces it. Any other value was set by someone else and is left alone.</param>
/// <param name="wake">Set by the failover loop when <paramref name="openUntil"/> opened, moved earlier or lapsed
/// (<see cref="CommitLeaseWake"/>), and by its probe when <paramref name="seen"/> changed in what the lease looks at:
/// the lease sleeps until then, or until its end, instead of polling.</param>
public sealed class CommitLease(OperationContext ctx, Func<DateTimeOffset> openUntil, Func<LocalObservation> seen, string syncModeSetting,
    WakeSignal wake, ILogger logger)
{
    /// <summary>The longest the lease sleeps without a wake: 1 s. Only a guard: every change it waits for wakes it.</summary>
    private static readonly TimeSpan LongestSleep = TimeSpan.FromSeconds(1);

    /// <summary>WAL positions are sent in pages; the stream starts on the page before the server's end, so that the
    /// first message comes at once and confirms what waited before the connection (a primary the guard restarted).</summary>
    private const ulong PageSize = 8192;

    /// <summary>How long after a stream that ended the lease looks again: 20 ms.</summary>
    private static readonly TimeSpan StreamPause = TimeSpan.FromMilliseconds(20);

    /// <summary>How long after a failed connection the next attempt waits.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private string? lastProblem;
    private bool named;
    // The local socket refused while TCP connected: this agent uses TCP from then on (OpenAsync).
    private bool socketRefused;
    private string? lastFallback;
    // The local server asked for an authentication pgward's own client does not speak: Npgsql connects on the socket.
    private bool ownClientUnsupported;
    private readonly LeaseConnections connections = new(ctx);

    public async Task RunAsync(CancellationToken ct)
    {
        // Looks at once when it starts and after each stream (the lease may have opened again meanwhile); otherwise
        // sleeps until the failover loop or its probe wakes it.
        var lookNow = true;
        while (!ct.IsCancellationRequested && (lookNow || await SleepAsync(LongestSleep, ct)))
        {
            lookNow = false;
            var server = seen();
            if (!IsOpen() || !server.Writable)
            {
                continue;
            }
            if (server.SynchronousStandbyNames is not ("" or CommitLeaseStandby.Name) && server.SynchronousStandbyNames != syncModeSetting)
            {
                Problem($"synchronous_standby_names is \"{server.SynchronousStandbyNames}\", set outside pgward; the commit lease stays off "
                    + "(reset it, or set commit_lease = false to silence this)");
                continue;
            }
            lookNow = true;
            try
            {
                await StreamAsync(server.SynchronousStandbyNames, ct);
                // Paced: a stream that ends at once (the lease lapsed as it opened) must not become a busy loop.
                await PauseAsync(StreamPause, ct);
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or NpgsqlException or IOException)
            {
                return; // the agent stops
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                Problem($"the commit lease connection ended: {e.Message}"
                    + (e is PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } or ServerError { SqlState: ServerError.NoHbaLine }
                        ? " (pg_hba.conf needs a \"replication\" line for this user from the local address)" : ""));
                // Not at once: a server that refuses would see a connection attempt after another.
                await PauseAsync(RetryDelay, ct);
            }
        }
    }

    private bool IsOpen() => ctx.Time.GetUtcNow() < openUntil();

    private async Task StreamAsync(string setting, CancellationToken ct)
    {
        using var lapse = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var connection = await OpenAsync(lapse.Token);
        var (timeline, end) = await connection.IdentifySystemAsync(lapse.Token);
        var start = end == 0 ? 0 : (end - 1) / PageSize * PageSize;
        var watch = WatchAsync(lapse);
        var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The stream runs beside the naming below: commits wait for it only once it is named.
        var stream = connection.StreamAsync(start, timeline, IsOpen, () => confirmed.TrySetResult(), lapse.Token);
        try
        {
            if (!named && await Task.WhenAny(confirmed.Task, stream) == confirmed.Task)
            {
                await NameAsync(setting, lapse.Token);
            }
            await stream;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The lease lapsed (WatchAsync): the connection closes below.
        }
        finally
        {
            await lapse.CancelAsync();
            await stream.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await watch;
            if (named)
            {
                CommitLeaseLog.Closed(logger);
                named = false;
            }
        }
    }

    /// <summary>Names the lease in <c>synchronous_standby_names</c> once it streams, so commits never wait for a
    /// connection that is not there yet.</summary>
    private async Task NameAsync(string setting, CancellationToken ct)
    {
        if (setting != CommitLeaseStandby.Name)
        {
            await SyncStandbys.SetAsync(ctx.Db, ctx.Options.Conninfo, CommitLeaseStandby.Name, ct);
        }
        named = true;
        lastProblem = null;
        CommitLeaseLog.Open(logger);
    }

    /// <summary>Closes the connection when the lease ends while no WAL arrives (WAL that arrives finds it closed by
    /// itself): wakes at the lease's end, or when the failover loop moved it earlier.</summary>
    private async Task WatchAsync(CancellationTokenSource lapse)
    {
        while (true)
        {
            var left = openUntil() - ctx.Time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                await lapse.CancelAsync();
                return;
            }
            if (!await SleepAsync(left < LongestSleep ? left : LongestSleep, lapse.Token))
            {
                return;
            }
        }
    }

    /// <summary>Sleeps until woken or <paramref name="longest"/> passed; false once <paramref name="ct"/> is cancelled.</summary>
    private async Task<bool> SleepAsync(TimeSpan longest, CancellationToken ct)
    {
        try
        {
            await wake.WaitAsync(longest, ctx.Time, ct);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Connects through the local server's Unix-domain socket (<see cref="PostmasterSocket"/>), else through the
    /// conninfo. Why the socket: every commit waits for a round trip on this connection, and over TCP with TLS each WAL
    /// message and each confirmation is a TLS record that both sides encrypt and decrypt (BENCHMARKS.md, issue 17). The
    /// agent runs on its server's host (its dead-man switch signals the postmaster), so the socket is always the same
    /// server. On the socket pgward's own client connects (<see cref="SocketLeaseStream"/>), unless the conninfo or the
    /// server asks for what only Npgsql speaks (<see cref="LeaseConnections"/>). A socket that refuses (no <c>local
    /// replication</c> line in pg_hba.conf, no password for it) while TCP connects is not tried again by this agent; one
    /// that failed for now is tried again on the next connection.
    /// </summary>
    private async Task<ICommitLeaseStream> OpenAsync(CancellationToken ct)
    {
        if (!socketRefused && PostmasterSocket.Read(ctx.Options.DataDirectory) is { } socket)
        {
            var local = connections.OnSocket(socket, ownClient: !ownClientUnsupported);
            try
            {
                await local.OpenAsync(ct);
                return local;
            }
            catch (UnsupportedAuthenticationException e) when (!ct.IsCancellationRequested)
            {
                // GSSAPI and the like on the socket: Npgsql speaks them, from now on and at once.
                await local.DisposeAsync();
                ownClientUnsupported = true;
                CommitLeaseLog.ThroughNpgsql(logger, e.Message);
                return await OpenAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is NpgsqlException or IOException or TimeoutException)
            {
                await local.DisposeAsync();
                var tcp = await OpenTcpAsync(ct);
                // A refusal (pg_hba.conf, a password) is for good; a failure for now (a server starting up, a timeout)
                // is tried again on the next connection. Either way this one goes over TCP: commits must not wait.
                socketRefused = LeaseConnections.IsRefusal(e);
                if (socket.FilePath + e.Message != lastFallback)
                {
                    lastFallback = socket.FilePath + e.Message;
                    CommitLeaseLog.OverTcp(logger, socket.FilePath, e.Message);
                }
                return tcp;
            }
        }
        return await OpenTcpAsync(ct);
    }

    private async Task<ICommitLeaseStream> OpenTcpAsync(CancellationToken ct)
    {
        var tcp = connections.OverTcp();
        try
        {
            await tcp.OpenAsync(ct);
            return tcp;
        }
        catch
        {
            await tcp.DisposeAsync();
            throw;
        }
    }

    private void Problem(string problem)
    {
        if (problem != lastProblem)
        {
            lastProblem = problem;
            CommitLeaseLog.Problem(logger, problem);
        }
    }

    private async Task PauseAsync(TimeSpan pause, CancellationToken ct)
    {
        try
        {
            await Task.Delay(pause, ctx.Time, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
