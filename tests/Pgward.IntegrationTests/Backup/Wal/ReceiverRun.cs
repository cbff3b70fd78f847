using System.Collections.Concurrent;
using Pgward.Backup;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.IntegrationTests.Backup.Wal;

/// <summary>A backup server in a test: its pgward.conf with a [backup] section, and a <see cref="WalStreamer"/>
/// running in the background until disposed.</summary>
public sealed class ReceiverRun : IAsyncDisposable, IReporter
{
    private readonly CancellationTokenSource _stop;
    private readonly DbConnector _db = new();
    private readonly Task<Outcome> _run;

    private ReceiverRun(string configFile, BackupOptions options, CancellationToken ct)
    {
        ConfigFile = configFile;
        Options = options;
        Archive = new WalArchive(options.Layout);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var settings = new WalStreamerSettings { RetryInterval = TimeSpan.FromMilliseconds(500) };
        _run = Task.Run(() => new WalStreamer(options, _db, this, TimeProvider.System, settings).RunAsync(_stop.Token), ct);
    }

    public string ConfigFile { get; }
    public BackupOptions Options { get; }
    public WalArchive Archive { get; }
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Writes DIR/pgward.conf with only a [backup] section: a backup server need not be a node.</summary>
    public static string WriteConfig(string directory, string conninfo)
    {
        var path = Path.Combine(directory, "pgward.conf");
        File.WriteAllText(path, $"""
            [backup]
            backup_directory = '{Path.Combine(directory, "backup")}'
            conninfo = '{conninfo}'
            slot_name = 'pgward_backup'
            """);
        return path;
    }

    public static ReceiverRun Start(string configFile, CancellationToken ct)
    {
        var load = ConfigLoader.LoadFile(configFile);
        var (options, errors, _) = BackupOptions.Bind(load.Sections.GetValueOrDefault("backup"), configFile);
        return options is null ? throw new InvalidOperationException(string.Join("\n", errors)) : new ReceiverRun(configFile, options, ct);
    }

    /// <summary>Stops the receiver and returns how it ended.</summary>
    public async Task<Outcome> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run;
    }

    /// <summary>The receiver's run, to check it has not ended on its own.</summary>
    public Task<Outcome> Running => _run;

    public string Log => string.Join('\n', Lines);

    public void Report(ReportLevel level, string message) => Lines.Enqueue($"{level}: {message}");

    public void Progress(string message) => Lines.Enqueue(message);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        await _db.DisposeAsync();
    }
}
