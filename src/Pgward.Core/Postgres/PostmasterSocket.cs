using System.Globalization;

namespace Pgward.Core.Postgres;

/// <summary>
/// The running server's Unix-domain socket, from <c>postmaster.pid</c>: line 4 is the port, line 5 the first of
/// <c>unix_socket_directories</c> (empty when the server listens on none). What a process on the server's own host
/// reaches it through without TCP or TLS.
/// </summary>
/// <param name="Directory">The socket's directory: the socket is <c>DIRECTORY/.s.PGSQL.PORT</c>.</param>
public sealed record PostmasterSocket(string Directory, int Port)
{
    /// <summary>The socket itself: <c>DIRECTORY/.s.PGSQL.PORT</c>.</summary>
    public string FilePath => System.IO.Path.Combine(Directory, $".s.PGSQL.{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary><paramref name="conninfo"/> through this socket (its user, database, password and timeouts kept): no
    /// <c>hostaddr</c>, and no TLS, which PostgreSQL does not offer there, so asking for it (sslmode) would fail.</summary>
    public string ConninfoThrough(string conninfo) =>
        Conninfo.Parse(conninfo).With("hostaddr", null).With("host", Directory)
            .With("port", Port.ToString(CultureInfo.InvariantCulture)).With("sslmode", "disable").ToString();

    /// <summary>The socket of the server running in <paramref name="dataDirectory"/>, or null when none runs, it listens on
    /// no socket, or the file cannot be read.</summary>
    public static PostmasterSocket? Read(string dataDirectory)
    {
        try
        {
            return Parse(File.ReadAllText(Path.Combine(dataDirectory, "postmaster.pid")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>From the contents of postmaster.pid; null when the lines are not there yet (the postmaster writes them as
    /// it starts) or name no socket directory.</summary>
    public static PostmasterSocket? Parse(string contents)
    {
        var lines = contents.Split('\n');
        if (lines.Length < 5 || !int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
        {
            return null;
        }
        var directory = lines[4].Trim();
        return directory.StartsWith('/') ? new PostmasterSocket(directory, port) : null;
    }
}
