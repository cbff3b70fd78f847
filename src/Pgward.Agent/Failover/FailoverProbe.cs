using Microsoft.Extensions.Logging;
using Npgsql;
using Pgward.Agent.Health;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Failover;

/// <summary>
/// Reads <see cref="LocalObservation"/> on one kept-open connection with a 1 s connect and statement timeout, so
/// the failover loop can look at its server every tick and a frozen server cannot hold it up for long.
/// The connection goes through the server's Unix-domain socket, as the commit lease's does, else through the conninfo
/// (<see cref="LocalServerConnector"/>).
/// </summary>
public sealed class FailoverProbe(DbConnector db, string conninfo, PrimaryGuard guard, ILogger logger) : IAsyncDisposable
{
    private static readonly string Sql = $"""
        SELECT pg_is_in_recovery(),
               {TimelineSql.Expression},
               (CASE WHEN pg_is_in_recovery() THEN GREATEST(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
                     ELSE pg_current_wal_lsn() END)::text,
               current_setting('primary_conninfo'),
               (SELECT status FROM pg_stat_wal_receiver),
               current_setting('synchronous_standby_names'),
               CASE WHEN NOT pg_is_in_recovery()
                    THEN (SELECT string_agg(application_name || '=' || flush_lsn::text, E'\n')
                          FROM pg_stat_replication WHERE flush_lsn IS NOT NULL) END,
               {ApplyDelaySql.IsDelayed}
        """;

    private readonly LocalServerConnector connector = new(db, guard.DataDirectory, Shorten(conninfo),
        (socket, problem) => FailoverLog.ProbeOverTcp(logger, "failover", socket, problem));
    private NpgsqlConnection? connection;
    // Prepared once on its connection (the server parses and plans it once, and each look sends only Bind and Execute):
    // the agent runs it every tick, ten times a second (BENCHMARKS.md, issue 17).
    private NpgsqlCommand? command;
    // The postmaster's PID, read on the first writable look of each connection (see ReadAsync); null until then.
    private int? postmasterPid;

    public async Task<LocalObservation> ReadAsync(CancellationToken ct)
    {
        try
        {
            if (connection is null)
            {
                var attempt = await connector.OpenAsync(ct);
                if (attempt.Connection is null)
                {
                    return LocalObservation.Down(attempt.Error);
                }
                connection = attempt.Connection;
            }
            if (command is null)
            {
                var prepared = new NpgsqlCommand(Sql, connection) { CommandTimeout = 1 };
                try
                {
                    await prepared.PrepareAsync(ct);
                }
                catch
                {
                    await prepared.DisposeAsync();
                    throw;
                }
                command = prepared;
            }
            await using var r = await command.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var inRecovery = r.GetBoolean(0);
            return new LocalObservation(
                Running: true,
                InRecovery: inRecovery,
                Guarded: inRecovery && guard.IsSet,
                Timeline: r.IsDBNull(1) ? 0 : r.GetInt32(1),
                Lsn: r.IsDBNull(2) ? Lsn.Invalid : Lsn.Parse(r.GetString(2)),
                PrimaryConninfo: r.GetString(3),
                Streaming: !r.IsDBNull(4) && r.GetString(4) == "streaming",
                SynchronousStandbyNames: r.GetString(5),
                Flushed: r.IsDBNull(6) ? [] : ParseFlushed(r.GetString(6)),
                ApplyDelayed: r.GetBoolean(7))
            {
                // Only a writable server's: what the dead-man switch is armed for. Read once the connection was open, it is
                // the PID of the postmaster this connection's backend belongs to: a postmaster that died takes its
                // backends with it (this query would fail), and a new one cannot start while they are attached to the
                // shared memory. So it holds for as long as the connection answers; read again only when unreadable.
                PostmasterPid = inRecovery ? null : postmasterPid ??= PostmasterPid.Read(guard.DataDirectory),
            };
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            await DropAsync();
            return LocalObservation.Down(e.Message);
        }
    }

    public ValueTask DisposeAsync() => DropAsync();

    private async ValueTask DropAsync()
    {
        if (command is not null)
        {
            await command.DisposeAsync();
            command = null;
        }
        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
        postmasterPid = null;
    }

    private static List<(string, Lsn)> ParseFlushed(string text) =>
        [.. text.Split('\n').Select(line => line.Split('=', 2)).Where(p => p.Length == 2 && Lsn.TryParse(p[1], out _))
            .Select(p => (p[0], Lsn.Parse(p[1])))];

    private static string Shorten(string conninfo) => ProbeConninfo.For(conninfo, 1, "pgward failover");
}
