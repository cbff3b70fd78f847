using System.Globalization;
using Npgsql;
using Pgward.Core.Postgres;

namespace Pgward.Testing;

/// <summary>One real PostgreSQL server of a test, in <c>TESTDIR/NAME/</c>: <c>data/</c>, <c>server.log</c>, and its
/// unix socket. Stopped by <see cref="TestDirectory"/> teardown at the latest.</summary>
public sealed class PgServer
{
    public const string Superuser = "postgres";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int StartAttempts = 3;
    private readonly PgTestEnvironment _env;

    private PgServer(PgTestEnvironment env, string name, string serverDirectory, PgServerSettings settings, int? port = null)
    {
        _env = env;
        Name = name;
        ServerDirectory = serverDirectory;
        Settings = settings;
        Port = port ?? FreePort.Next();
    }

    public string Name { get; }

    public int Port { get; private set; }

    public PgServerSettings Settings { get; }

    /// <summary>TESTDIR/NAME: holds the data directory, the log and the unix socket.</summary>
    public string ServerDirectory { get; }

    public string DataDirectory => Path.Combine(ServerDirectory, "data");

    public string LogFile => Path.Combine(ServerDirectory, "server.log");

    /// <summary>Npgsql form; pooling off so no idle connection outlives a stopped server. scram-sha-256 with the test
    /// run's password file, TLS verified against its CA (<see cref="TestAuthentication"/>).</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username={Superuser};Database=postgres;Pooling=false;Timeout=5;{TestAuthentication.Current.NpgsqlSecurity}";

    /// <summary>libpq form, e.g. for primary_conninfo or pg_basebackup -d; with the password file and sslmode=verify-full.</summary>
    public string Conninfo =>
        $"host=127.0.0.1 port={Port} user={Superuser} dbname=postgres connect_timeout=2 {TestAuthentication.Current.ConninfoSecurity}";

    /// <summary>initdb (superuser postgres, scram-sha-256 with the test run's password) into TESTDIR/NAME/data and
    /// writes the configuration. Not started.</summary>
    public static async Task<PgServer> InitAsync(TestDirectory dir, string name, PgServerSettings settings,
        CancellationToken cancellationToken)
    {
        var server = await CreateAsync(dir, name, settings, cancellationToken).ConfigureAwait(false);
        var initdb = await server._env.PgCtl.InitdbAsync(server.DataDirectory, Superuser,
            ["-A", "scram-sha-256", $"--pwfile={TestAuthentication.Current.InitdbPasswordFile}", "--no-sync", "-E", "UTF8", "--locale=C"], cancellationToken).ConfigureAwait(false);
        if (!initdb.Succeeded)
        {
            throw new InvalidOperationException(initdb.Describe());
        }

        await server.WriteConfigurationAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Takes over a data directory a test made itself at <c>TESTDIR/NAME/data</c> (see
    /// <see cref="DataDirectoryFor"/>), e.g. with pg_basebackup -R: gives it its own port (<paramref name="port"/>, e.g. the
    /// one its node's conninfo named for <c>standby clone</c>, else a free one) and socket. Not started.</summary>
    public static async Task<PgServer> AdoptAsync(TestDirectory dir, string name, PgServerSettings settings,
        CancellationToken cancellationToken, int? port = null)
    {
        var server = await CreateAsync(dir, name, settings, cancellationToken, port).ConfigureAwait(false);
        await server.WriteConfigurationAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Creates TESTDIR/NAME (owned by the server account) and returns where NAME's data directory goes.</summary>
    public static async Task<string> DataDirectoryFor(TestDirectory dir, string name, CancellationToken cancellationToken) =>
        Path.Combine(await dir.CreateSubdirectoryAsync(name, cancellationToken).ConfigureAwait(false), "data");

    /// <summary>pg_ctl start -w; on "address already in use" picks another port and retries.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ServerRegistry.Track(DataDirectory);
        for (var attempt = 1; ; attempt++)
        {
            var start = await _env.PgCtl.StartAsync(new(DataDirectory), LogFile, StartTimeout, cancellationToken).ConfigureAwait(false);
            if (start.Succeeded)
            {
                return;
            }

            if (attempt == StartAttempts || !TailLog(20).Contains("already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{Name}: {start.Describe()}\n{TailLog(30)}");
            }

            Port = FreePort.Next();
            await WriteConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>pg_ctl stop (-m immediate or fast), SIGKILL if the postmaster outlives it.</summary>
    public async Task StopAsync(bool immediate, CancellationToken cancellationToken)
    {
        var mode = immediate ? ShutdownMode.Immediate : ShutdownMode.Fast;
        if (await ServerRegistry.StopAsync(DataDirectory, mode, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> QueryScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture)!;
    }

    /// <summary>The last <paramref name="lines"/> lines of <see cref="LogFile"/> (empty if there is none yet).</summary>
    public string TailLog(int lines = 100) =>
        File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(lines)) : $"({LogFile} does not exist)";

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static async Task<PgServer> CreateAsync(TestDirectory dir, string name, PgServerSettings settings,
        CancellationToken cancellationToken, int? port = null)
    {
        var env = PgTestEnvironment.Require();
        var serverDirectory = await dir.CreateSubdirectoryAsync(name, cancellationToken).ConfigureAwait(false);
        var server = new PgServer(env, name, serverDirectory, settings, port);
        dir.Add(server);
        return server;
    }

    private async Task WriteConfigurationAsync(CancellationToken cancellationToken)
    {
        var include = Path.Combine(DataDirectory, PgServerConfig.IncludeFileName);
        var hba = Path.Combine(DataDirectory, "pg_hba.conf");
        var conf = Path.Combine(DataDirectory, "postgresql.conf");
        await File.WriteAllTextAsync(include, PgServerConfig.Render(Settings, Port, ServerDirectory, TestAuthentication.Current), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(hba, PgServerConfig.RenderHba(Settings), cancellationToken).ConfigureAwait(false);
        var confText = await File.ReadAllTextAsync(conf, cancellationToken).ConfigureAwait(false);
        if (!confText.Contains(PgServerConfig.IncludeLine, StringComparison.Ordinal))
        {
            await File.AppendAllTextAsync(conf, "\n" + PgServerConfig.IncludeLine + "\n", cancellationToken).ConfigureAwait(false);
        }

        foreach (var file in new[] { include, hba })
        {
            if (await _env.Account.ChownAsync(file, cancellationToken).ConfigureAwait(false) is { Succeeded: false } chown)
            {
                throw new InvalidOperationException(chown.Describe());
            }
        }
    }
}
