using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;

namespace Pgward.Core.Postgres;

/// <summary>
/// Opens connections from libpq conninfo strings (what pgward.conf and pgward.nodes hold).
/// Data sources are built with <see cref="NpgsqlSlimDataSourceBuilder"/> so the native executable stays small,
/// and without pooling: a pooled connection to a server that has since died would hide the failure.
/// Npgsql does not load the server's type catalogue: pgward reads only built-in types, and with one data source per
/// conninfo and no pooling that catalogue query would be an extra round trip on every node <c>cluster show</c> visits.
/// </summary>
/// <param name="keepIdle">Null (every command and the agent's own operations): no pooling. Set (the web dashboard's
/// refreshes, once a second while a page is open): each conninfo keeps its connections open between refreshes and closes
/// them once idle this long, so that a refresh does not open a connection to every server again.</param>
public sealed class DbConnector(TimeSpan? keepIdle = null) : IAsyncDisposable
{
    /// <summary>Connect timeout when the conninfo has no <c>connect_timeout</c>: long enough for a busy server, short enough for a dead host.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, NpgsqlDataSource> dataSources = new(StringComparer.Ordinal);

    /// <summary>Opens a connection or throws <see cref="NpgsqlException"/>/<see cref="FormatException"/>.</summary>
    public async Task<NpgsqlConnection> OpenAsync(string conninfo, CancellationToken ct)
    {
        var source = dataSources.GetOrAdd(conninfo, BuildDataSource);
        return await source.OpenConnectionAsync(ct);
    }

    /// <summary>Opens a connection; an expected failure comes back as a value that says which kind it was.</summary>
    public async Task<ConnectResult> TryOpenAsync(string conninfo, CancellationToken ct)
    {
        try
        {
            return ConnectResult.Ok(await OpenAsync(conninfo, ct));
        }
        catch (FormatException e)
        {
            return ConnectResult.Failed(ConnectFailureKind.Invalid, e.Message);
        }
        catch (ArgumentException e)
        {
            return ConnectResult.Failed(ConnectFailureKind.Invalid, e.Message);
        }
        catch (PostgresException e)
        {
            return ConnectResult.Failed(ConnectFailureKind.Rejected, e.MessageText);
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            return ConnectResult.Failed(ConnectFailureKind.Unreachable, Describe(e));
        }
        catch (TimeoutException e) when (!ct.IsCancellationRequested)
        {
            return ConnectResult.Failed(ConnectFailureKind.Unreachable, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in dataSources.Values)
        {
            await source.DisposeAsync();
        }
        dataSources.Clear();
    }

    private NpgsqlDataSource BuildDataSource(string conninfo)
    {
        var dataSource = new NpgsqlSlimDataSourceBuilder(keepIdle is { } idle ? KeepingConnectionString(conninfo, idle) : ConnectionString(conninfo));
        dataSource.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        // TLS (sslmode, sslrootcert in the conninfo): the slim builder leaves it out unless asked for.
        dataSource.EnableTransportSecurity();
        return dataSource.Build();
    }

    /// <summary>The Npgsql connection string pgward uses for a conninfo: no pooling, a connect timeout, and its own
    /// writes local-commit only.</summary>
    public static string ConnectionString(string conninfo)
    {
        var info = Conninfo.Parse(conninfo);
        var builder = new NpgsqlConnectionStringBuilder(info.ToNpgsqlConnectionString())
        {
            Pooling = false,
            IncludeErrorDetail = true,
        };
        if (info["connect_timeout"] is null)
        {
            builder.Timeout = (int)DefaultConnectTimeout.TotalSeconds;
        }
        builder.ApplicationName ??= "pgward";
        // pgward's own writes (node records, events, monitoring) never wait for a synchronous standby: a new primary
        // in sync mode must record its promotion before any standby is attached again, or it would wait for ever.
        builder.Options = (builder.Options is { Length: > 0 } options ? options + " " : "") + "-c synchronous_commit=local";
        return builder.ConnectionString;
    }

    /// <summary><see cref="ConnectionString"/> with a pool that keeps connections open for <paramref name="idle"/> after
    /// their last use, then closes them all (none is kept for its own sake).</summary>
    public static string KeepingConnectionString(string conninfo, TimeSpan idle)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(idle.TotalSeconds));
        return new NpgsqlConnectionStringBuilder(ConnectionString(conninfo))
        {
            Pooling = true,
            MinPoolSize = 0,
            ConnectionIdleLifetime = seconds,
            ConnectionPruningInterval = Math.Max(1, seconds / 2),
        }.ConnectionString;
    }

    private static string Describe(NpgsqlException e) => e.InnerException switch
    {
        SocketException s => $"{e.Message}: {s.Message}",
        TimeoutException => $"{e.Message}: connect timeout expired",
        { } inner => $"{e.Message}: {inner.Message}",
        null => e.Message,
    };
}
