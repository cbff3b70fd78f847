using Npgsql;
using Pgward.Cluster;
using Pgward.Core.Postgres;
using Pgward.Core.Postgres.Wire;

namespace Pgward.Agent.Failover;

/// <summary>
/// Makes the commit lease's connections from the node's conninfo and <c>replication_user</c>: pgward's own client on the
/// local socket (<see cref="SocketLeaseStream"/>), Npgsql over TCP, and Npgsql on the socket when the conninfo asks for
/// what the own client does not speak (<c>require_auth</c>, <c>channel_binding=require</c>,
/// <c>gssencmode=require</c>) or names no user (Npgsql then asks the OS and Kerberos).
/// </summary>
internal sealed class LeaseConnections(OperationContext ctx)
{
    /// <summary>For the connection and its authentication (Npgsql's Timeout), as before.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    public ICommitLeaseStream OnSocket(PostmasterSocket socket, bool ownClient) =>
        ownClient && OwnClientOptions(socket) is { } options ? new SocketLeaseStream(options) : new NpgsqlLeaseStream(ConnectionString(socket));

    public ICommitLeaseStream OverTcp() => new NpgsqlLeaseStream(ConnectionString(socket: null));

    /// <summary>Whether a failed connection on the socket is a refusal for good (pg_hba.conf, a password), not a failure
    /// for now (a server starting up, a timeout).</summary>
    public static bool IsRefusal(Exception e) => e switch
    {
        ServerError error => !error.IsTransient,
        WireAuthenticationException => true,
        NpgsqlException { IsTransient: true } or IOException or TimeoutException => false,
        _ => true,
    };

    private WalSenderOptions? OwnClientOptions(PostmasterSocket socket)
    {
        var conninfo = Conninfo.Parse(ctx.Options.Conninfo);
        if (conninfo["require_auth"] is not null || conninfo["channel_binding"] == "require" || conninfo["gssencmode"] == "require")
        {
            return null;
        }
        var user = ctx.Options.ReplicationUser is { Length: > 0 } replicationUser ? replicationUser
            : conninfo.User is { Length: > 0 } conninfoUser ? conninfoUser
            : Environment.GetEnvironmentVariable("PGUSER") is { Length: > 0 } environmentUser ? environmentUser
            : null;
        if (user is null)
        {
            return null;
        }
        return new WalSenderOptions(socket.FilePath, user, conninfo.DbName, CommitLeaseStandby.Name,
            () => Password(conninfo, socket, user), ConnectTimeout, ctx.Time, conninfo["options"]);
    }

    /// <summary>Where Npgsql takes the password from, in its order: the conninfo, PGPASSWORD, the conninfo's passfile,
    /// PGPASSFILE, ~/.pgpass; a file matched on the socket's directory as host, its port, the dbname and the user.</summary>
    private static string? Password(Conninfo conninfo, PostmasterSocket socket, string user)
    {
        if ((conninfo["password"] ?? Environment.GetEnvironmentVariable("PGPASSWORD")) is { } password)
        {
            return password;
        }
        var file = conninfo["passfile"] ?? Environment.GetEnvironmentVariable("PGPASSFILE")
            ?? (Environment.GetEnvironmentVariable("HOME") is { } home && Path.Combine(home, ".pgpass") is var pgpass && File.Exists(pgpass) ? pgpass : null);
        if (file is null)
        {
            return null;
        }
        try
        {
            return PasswordFile.Find(File.ReadAllText(file), socket.Directory, socket.Port, conninfo.DbName, user);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new WireAuthenticationException($"the password file {file} cannot be used: {e.Message}");
        }
    }

    /// <summary>The lease's connection through Npgsql, on <paramref name="socket"/> or (null) the conninfo's host and port.</summary>
    private string ConnectionString(PostmasterSocket? socket)
    {
        var conninfo = socket?.ConninfoThrough(ctx.Options.Conninfo) ?? ctx.Options.Conninfo;
        var builder = new NpgsqlConnectionStringBuilder(Conninfo.Parse(conninfo).ToNpgsqlConnectionString())
        {
            ApplicationName = CommitLeaseStandby.Name,
            Timeout = (int)ConnectTimeout.TotalSeconds,
        };
        if (ctx.Options.ReplicationUser is { Length: > 0 } user)
        {
            builder.Username = user;
        }
        return builder.ConnectionString;
    }
}
