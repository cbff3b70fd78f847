namespace Pgward.Core.Postgres.Wire;

/// <summary>How <see cref="WalSenderConnection"/> connects.</summary>
/// <param name="SocketPath">The server's Unix-domain socket, <c>DIRECTORY/.s.PGSQL.PORT</c>.</param>
/// <param name="Password">Asked only when the server wants a password (trust and peer never read the password file);
/// null when there is none.</param>
/// <param name="ConnectTimeout">For the connection and its authentication together.</param>
/// <param name="ServerOptions">The conninfo's <c>options</c> (command-line options for the server), or null.</param>
public sealed record WalSenderOptions(string SocketPath, string User, string? Database, string ApplicationName,
    Func<string?> Password, TimeSpan ConnectTimeout, TimeProvider Time, string? ServerOptions = null);
