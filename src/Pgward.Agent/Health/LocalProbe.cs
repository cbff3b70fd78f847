using Microsoft.Extensions.Logging;
using Npgsql;
using Pgward.Core.Config;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Health;

/// <summary>
/// Reads <see cref="ServerState"/> from the local server with one short query; on a standby also asks its upstream
/// for its current position. The lag is the standby's replay position behind the upstream's current one, what a
/// client reading from the standby misses. The upstream is the node the metadata names (the standby's replicated
/// copy of <c>pgward.nodes</c>); when it cannot be reached, receive − replay is used instead (<see cref="LagSource.Receive"/>).
/// Both connections are kept open between probes (the monitor probes every second, and a new session costs a TLS
/// handshake and a scram exchange on each side); the local one goes through the server's Unix-domain socket, without
/// TLS, when pg_hba.conf lets it (<see cref="LocalServerConnector"/>). One that fails is dropped, and the local one is opened afresh at once,
/// so a server that restarted since is not reported down. Not for concurrent use: <see cref="ProbeCache"/> serializes.
/// </summary>
/// <param name="logger">Told once when the server's socket refuses the agent (the probe then connects over the conninfo).</param>
public sealed class LocalProbe(NodeOptions options, DbConnector db, ILogger? logger = null) : IAsyncDisposable
{
    /// <summary>How long a probe waits to connect: HAProxy checks every few seconds and must not queue behind a dead server.</summary>
    public const int ConnectTimeoutSeconds = 2;

    private static readonly string StateSql = $"""
        SELECT pg_is_in_recovery(),
               {TimelineSql.Expression},
               CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END::text,
               pg_last_wal_receive_lsn()::text,
               pg_last_wal_replay_lsn()::text,
               (SELECT status FROM pg_stat_wal_receiver),
               CASE WHEN pg_is_in_recovery() AND to_regclass('pgward.nodes') IS NOT NULL
                    THEN (SELECT u.conninfo FROM pgward.nodes n JOIN pgward.nodes u ON u.node_id = n.upstream_node_id WHERE n.node_id = $1) END,
               CASE WHEN to_regclass('pgward.nodes') IS NOT NULL THEN (SELECT type FROM pgward.nodes WHERE node_id = $1) END,
               CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END,
               {ApplyDelaySql.IsDelayed}
        """;

    // A cascading upstream is itself in recovery: its position is what it has received.
    private const string UpstreamSql =
        "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END)::text";

    private readonly LocalServerConnector connector = new(db, options.DataDirectory, Shorten(options.Conninfo),
        logger is null ? null : (socket, problem) => Failover.FailoverLog.ProbeOverTcp(logger, "monitor", socket, problem));
    private NpgsqlConnection? local;
    private NpgsqlConnection? upstream;
    private string? upstreamConninfo;

    public async Task<ServerState> ReadAsync(CancellationToken ct)
    {
        // A kept connection that fails is stale (the server restarted, or the session was ended): a fresh one tells.
        if (local is { } kept && (await ReadOrDropAsync(kept, ct)).State is { } state)
        {
            return state;
        }
        var attempt = await connector.OpenAsync(ct);
        if (attempt.Connection is not { } connection)
        {
            return ServerState.Stopped with { Error = attempt.Error };
        }
        local = connection;
        var (fresh, error) = await ReadOrDropAsync(connection, ct);
        return fresh ?? ServerState.Stopped with { Error = error };
    }

    /// <summary>Reads on <see cref="local"/>; on a failure drops it and returns why. Cancelled mid-query, it drops it too
    /// (the session's state is unknown) and throws.</summary>
    private async Task<(ServerState? State, string? Error)> ReadOrDropAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            return (await ReadStateAsync(connection, ct), null);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            await DropAsync();
            return (null, e.Message);
        }
        catch
        {
            await DropAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropAsync();
        await DropUpstreamAsync();
    }

    private async ValueTask DropAsync()
    {
        if (local is not null)
        {
            await local.DisposeAsync();
            local = null;
        }
    }

    private async ValueTask DropUpstreamAsync()
    {
        if (upstream is not null)
        {
            await upstream.DisposeAsync();
            upstream = null;
        }
    }

    private async Task<ServerState> ReadStateAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // A kept connection to a server that froze since would otherwise wait 30 s: as long as a connection attempt.
        await using var cmd = new NpgsqlCommand(StateSql, connection) { CommandTimeout = ConnectTimeoutSeconds };
        cmd.Parameters.Add(new NpgsqlParameter { Value = options.NodeId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var inRecovery = r.GetBoolean(0);
        var receive = LsnAt(r, 3);
        var replay = LsnAt(r, 4);
        var receiver = r.IsDBNull(5) ? null : r.GetString(5);
        var upstreamConninfo = r.IsDBNull(6) ? null : r.GetString(6);
        var state = new ServerState(Running: true, inRecovery, Streaming: receiver == "streaming", LagBytes: null, Fenced: false)
        {
            // A witness's server runs read-write, but holds only pgward's metadata: its own record says what it is.
            Witness = !r.IsDBNull(7) && r.GetString(7) == "witness",
            Timeline = r.IsDBNull(1) ? null : r.GetInt32(1),
            CurrentLsn = LsnAt(r, 2),
            ReceiveLsn = receive,
            ReplayLsn = replay,
            WalReceiverStatus = receiver,
            ReplayAgeSeconds = r.IsDBNull(8) ? null : r.GetDouble(8),
            Delayed = r.GetBoolean(9),
        };
        await r.DisposeAsync();
        if (!inRecovery || replay is not { } replayed)
        {
            return state;
        }
        if (upstreamConninfo is not null && await UpstreamPositionAsync(upstreamConninfo, ct) is { } upstream)
        {
            return state with { LagBytes = Math.Max(0, upstream - replayed), LagSource = LagSource.Upstream };
        }
        return receive is { } received
            ? state with { LagBytes = Math.Max(0, received - replayed), LagSource = LagSource.Receive }
            : state;
    }

    /// <summary>The upstream's position on the kept connection to it (opened again when the metadata names another
    /// upstream, or after a failure); null when it cannot be reached.</summary>
    private async Task<Lsn?> UpstreamPositionAsync(string wanted, CancellationToken ct)
    {
        if (upstream is null || upstreamConninfo != wanted)
        {
            await DropUpstreamAsync();
            var attempt = await db.TryOpenAsync(Shorten(wanted), ct);
            if (attempt.Connection is not { } connection)
            {
                return null;
            }
            upstream = connection;
            upstreamConninfo = wanted;
        }
        try
        {
            await using var cmd = new NpgsqlCommand(UpstreamSql, upstream) { CommandTimeout = ConnectTimeoutSeconds };
            return await cmd.ExecuteScalarAsync(ct) is string text && Lsn.TryParse(text, out var lsn) ? lsn : null;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            // The next probe connects afresh: an upstream that restarted answers again then.
            await DropUpstreamAsync();
            return null;
        }
        catch
        {
            await DropUpstreamAsync();
            throw;
        }
    }

    private static Lsn? LsnAt(NpgsqlDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : Lsn.Parse(r.GetString(ordinal));

    private static string Shorten(string conninfo) => ProbeConninfo.For(conninfo, ConnectTimeoutSeconds, "pgward agent");
}
