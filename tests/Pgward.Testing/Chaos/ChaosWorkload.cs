using Npgsql;

namespace Pgward.Testing.Chaos;

/// <summary>
/// Writer and reader clients against a cluster for one chaos run (issue 6): every write attempt is recorded with its
/// outcome, node and time, every read with the ids it saw. Stop it to get the <see cref="ChaosHistory"/> for
/// <see cref="ChaosChecker"/>. The clients stop by themselves after <see cref="ChaosWorkloadOptions.MaximumDuration"/>.
/// </summary>
public sealed class ChaosWorkload : IAsyncDisposable
{
    private readonly ChaosWorkloadOptions options;
    private readonly ChaosRecorder recorder;
    private readonly CancellationTokenSource stopping;
    private readonly CancellationTokenSource abort;
    private Task clients = Task.CompletedTask;
    private ChaosHistory? stopped;

    private ChaosWorkload(ChaosWorkloadOptions options)
    {
        this.options = options;
        recorder = new ChaosRecorder(options.TimeProvider);
        stopping = new CancellationTokenSource(options.MaximumDuration, options.TimeProvider);
        abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
    }

    /// <summary>Time since the workload started, on the clock of every recorded time: a nemesis notes when it
    /// injected a fault with it.</summary>
    public TimeSpan Elapsed => recorder.Elapsed;

    /// <summary>Writes acknowledged so far.</summary>
    public int Acknowledged => recorder.Acknowledged;

    /// <summary>Creates the table through the write connection string (the cluster must have a primary), then starts
    /// the clients.</summary>
    public static async Task<ChaosWorkload> StartAsync(ChaosWorkloadOptions options, CancellationToken ct)
    {
        options.Validate();
        var table = new ChaosTable(options.Table);
        await using (var connection = new NpgsqlConnection(options.WriteConnectionString))
        {
            await connection.OpenAsync(ct);
            await table.CreateAsync(connection, ct);
        }
        var workload = new ChaosWorkload(options);
        workload.Start(table);
        return workload;
    }

    private void Start(ChaosTable table)
    {
        var (stop, cancel) = (stopping.Token, abort.Token);
        var writers = Enumerable.Range(1, options.Writers)
            .Select(client => Task.Run(() => new ChaosWriter(client, options, table, recorder).RunAsync(stop, cancel), CancellationToken.None));
        var readers = Enumerable.Range(1, options.Readers)
            .Select(reader => Task.Run(() => new ChaosReader(reader, options, table, recorder).RunAsync(stop, cancel), CancellationToken.None));
        clients = Task.WhenAll([.. writers, .. readers]);
    }

    /// <summary>The history so far, while the clients run.</summary>
    public ChaosHistory Snapshot() => recorder.Snapshot();

    /// <summary>Waits until <paramref name="condition"/> holds for the history, checking every 50 ms.</summary>
    public async Task WaitUntilAsync(Func<ChaosHistory, bool> condition, CancellationToken ct)
    {
        while (!condition(recorder.Snapshot()))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), options.TimeProvider, ct);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> writes were acknowledged in all.</summary>
    public Task WaitForAcknowledgedAsync(int count, CancellationToken ct) => WaitUntilAsync(_ => Acknowledged >= count, ct);

    /// <summary>Stops the clients: writes in flight get <see cref="ChaosWorkloadOptions.StopGrace"/> to finish, then
    /// are cancelled (and recorded as unknown). Returns the whole history; calling it again returns the same.</summary>
    public async Task<ChaosHistory> StopAsync()
    {
        if (stopped is not null)
        {
            return stopped;
        }
        await stopping.CancelAsync();
        abort.CancelAfter(options.StopGrace);
        await clients;
        stopped = recorder.Snapshot();
        return stopped;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stopping.Dispose();
        abort.Dispose();
    }
}
