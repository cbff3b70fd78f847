using Npgsql;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Health;

/// <summary>
/// Opens the agent's connections to its own server through the Unix-domain socket named in <c>postmaster.pid</c>
/// (<see cref="PostmasterSocket"/>), else through the conninfo. The agent runs on its server's host (its dead-man switch
/// signals the postmaster), so the socket is the same server, and a look through it costs no TLS: the failover probe looks
/// ten times a second and the monitor once, and over TCP with TLS their records were most of an idle agent's CPU
/// (BENCHMARKS.md, issue 17). A socket that timed out is a server that does not answer: reported unreachable at once, as
/// TCP would after its own timeout. Any other failure tries the conninfo at once; a refusal (no <c>local</c> line for this
/// user in pg_hba.conf, no password for it) is for good, said once through <paramref name="refused"/>, the rest (a server
/// starting or stopping) is tried again on the next connection.
/// </summary>
/// <param name="conninfo">With its connect timeout and application name already set (<see cref="ProbeConninfo"/>).</param>
/// <param name="refused">Told the socket's path and why, once per distinct refusal.</param>
public sealed class LocalServerConnector(DbConnector db, string dataDirectory, string conninfo, Action<string, string>? refused = null)
{
    // The socket refused this agent (pg_hba.conf, a password): only the conninfo is tried from then on.
    private bool socketRefused;
    private string? lastFallback;

    public async Task<ConnectResult> OpenAsync(CancellationToken ct)
    {
        if (socketRefused || dataDirectory.Length == 0 || PostmasterSocket.Read(dataDirectory) is not { } socket)
        {
            return await db.TryOpenAsync(conninfo, ct);
        }
        try
        {
            return ConnectResult.Ok(await db.OpenAsync(socket.ConninfoThrough(conninfo), ct));
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is NpgsqlException or TimeoutException or FormatException or ArgumentException)
        {
            if (e is TimeoutException or NpgsqlException { InnerException: TimeoutException })
            {
                return ConnectResult.Failed(ConnectFailureKind.Unreachable, e.Message);
            }
            socketRefused = e is PostgresException { SqlState: var state } && state.StartsWith("28", StringComparison.Ordinal)
                            || e is FormatException or ArgumentException;
            var problem = e is PostgresException p ? p.MessageText : e.Message;
            if (socketRefused && socket.FilePath + problem != lastFallback)
            {
                lastFallback = socket.FilePath + problem;
                refused?.Invoke(socket.FilePath, problem);
            }
            return await db.TryOpenAsync(conninfo, ct);
        }
    }
}
