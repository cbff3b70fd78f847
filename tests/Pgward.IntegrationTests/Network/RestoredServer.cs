using System.Net;
using Pgward.Cli.Sandbox;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Pgward.Testing.Chaos;
using Pgward.Testing.Network;

namespace Pgward.IntegrationTests.Network;

/// <summary>
/// A base backup recovered with <c>pgward backup recover</c> to the end of the archive and started as postgres on the
/// backup host, reached from the client host: what an operator would get back after losing the whole cluster.
/// </summary>
public sealed class RestoredServer : IAsyncDisposable
{
    private const int PostgresPort = 5432;
    private static readonly TimeSpan ReplayLimit = TimeSpan.FromSeconds(120);
    private readonly NamespaceForwarder forwarder;

    private RestoredServer(string dataDirectory, NamespaceForwarder forwarder)
    {
        DataDirectory = dataDirectory;
        this.forwarder = forwarder;
    }

    public string DataDirectory { get; }

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={forwarder.Port};Username={SandboxUp.User};Database={SandboxUp.User};Pooling=false;Timeout=5;{TestAuthentication.Current.NpgsqlSecurity}";

    /// <summary>Recovers <paramref name="backupId"/> into a fresh directory on the backup host (no target: to the end of
    /// the archive, then promoted), starts it and waits until it has replayed everything. The problem, naming the
    /// step, when any of that fails.</summary>
    public static async Task<(RestoredServer? Server, string? Problem)> RecoverAsync(BackupHost backup, string backupId, TestHost client, CancellationToken ct)
    {
        var parent = Path.Combine(backup.Directory, $"restored-{backupId}");
        var data = Path.Combine(parent, "data");
        var recover = await backup.PgwardExecutableAsync(ct, "backup", "recover", backupId, data);
        if (recover.ExitCode != 0)
        {
            return (null, $"backup recover {backupId} exited {recover.ExitCode}: {Last(recover.Error)}");
        }
        ServerRegistry.Track(data);
        var log = Path.Combine(parent, "postgresql.log");
        // The backup holds the source node's settings (its address, port and socket directory, where that node may
        // still run): the restored server gets its own on the command line, which wins over the files.
        var options = $"-p {PostgresPort} -k '' -c listen_addresses={backup.Host.Address} -c cluster_name=restored";
        var env = PgTestEnvironment.Require();
        var start = await backup.RunAsync(["runuser", "-u", env.Account.UserName ?? "postgres", "--", env.Binaries.Tool("pg_ctl"),
            "-D", data, "-l", log, "-o", options, "-w", "-t", "120", "start"], ct);
        if (start.ExitCode != 0)
        {
            return (null, $"the recovered server did not start: {Last(start.Out + start.Error)}; log: {Tail(log)}");
        }
        var server = new RestoredServer(data, new NamespaceForwarder(client.Namespace, new IPEndPoint(backup.Host.Address, PostgresPort)));
        if (!await server.ReplayedAsync(ct))
        {
            await server.DisposeAsync();
            return (null, $"the recovered server did not reach the end of the archive within {ReplayLimit.TotalSeconds:0} s; log: {Tail(log)}");
        }
        return (server, null);
    }

    public Task<NodeRows> ReadRowsAsync(CancellationToken ct) => new ChaosTable().ReadAllAsync(ConnectionString, ct);

    /// <summary>With no recovery target, recovery ends (and the server is promoted) when the archive has no next segment.</summary>
    private async Task<bool> ReplayedAsync(CancellationToken ct)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(start) < ReplayLimit)
        {
            try
            {
                if (!await Sql.ScalarAsync<bool>(ConnectionString, "SELECT pg_is_in_recovery()", ct))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or TimeoutException)
            {
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, ct);
        }
        return false;
    }

    private static string Last(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));

    private static string Tail(string log) => File.Exists(log) ? Last(File.ReadAllText(log)) : "(no log)";

    public async ValueTask DisposeAsync()
    {
        await forwarder.DisposeAsync();
        await ServerRegistry.StopAsync(DataDirectory, Core.Postgres.ShutdownMode.Immediate, CancellationToken.None);
    }
}
