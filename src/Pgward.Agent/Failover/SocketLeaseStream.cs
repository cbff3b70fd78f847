using Pgward.Core.Postgres.Wire;

namespace Pgward.Agent.Failover;

/// <summary>
/// The commit lease's connection on the local server's Unix-domain socket through pgward's own client
/// (<see cref="WalSenderConnection"/>), on a dedicated thread with blocking reads and writes. Why: each commit waits for
/// one round trip here; with blocking calls the WAL message wakes this thread, which confirms at once, instead of passing
/// through .NET's epoll thread and a pool thread for the read and again for the write (BENCHMARKS.md, issue 17).
/// </summary>
internal sealed class SocketLeaseStream(WalSenderOptions options) : ICommitLeaseStream
{
    /// <summary>How long the stream may be quiet before a status update asks the server to answer; twice this without a
    /// message ends the connection. Npgsql's defaults (half its wal_receiver_timeout of 60 s).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);

    /// <summary>For IDENTIFY_SYSTEM, as Npgsql's command timeout.</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly WalSenderConnection connection = new();
    private Task? running;

    public Task OpenAsync(CancellationToken ct) => RunAsync(() =>
    {
        connection.Open(options);
        return true;
    }, ct);

    public Task<(uint Timeline, ulong End)> IdentifySystemAsync(CancellationToken ct) => RunAsync(() => connection.IdentifySystem(CommandTimeout), ct);

    public Task StreamAsync(ulong start, uint timeline, Func<bool> stillOpen, Action firstConfirmed, CancellationToken ct) => RunAsync(() =>
    {
        Stream(start, timeline, stillOpen, firstConfirmed);
        return true;
    }, ct);

    public async ValueTask DisposeAsync()
    {
        connection.Abort();
        if (running is { } thread)
        {
            await thread.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        connection.Dispose();
    }

    private void Stream(ulong start, uint timeline, Func<bool> stillOpen, Action firstConfirmed)
    {
        connection.StartReplication(start, timeline, Quiet);
        ulong confirmed = 0;
        ulong? pending = null;
        var first = true;
        var quiet = false;
        var replyOwed = false;
        while (true)
        {
            var message = connection.Next();
            if (message.Kind == WalSenderMessageKind.Quiet)
            {
                if (quiet)
                {
                    throw new TimeoutException($"the server sent nothing for {(2 * Quiet).TotalSeconds:0} s");
                }
                quiet = true;
                Confirm(confirmed, replyRequested: true);
                continue;
            }
            quiet = false;
            replyOwed |= message.ReplyRequested;
            if (message.Kind == WalSenderMessageKind.XLogData)
            {
                pending = message.End;
            }
            // WAL already read behind this message is taken first: one look at the lease and one confirmation for all
            // of it, of the latest message's end, which is where confirming each in turn would have ended.
            if (connection.HasBufferedMessage)
            {
                continue;
            }
            if (pending is { } end)
            {
                if (!stillOpen())
                {
                    return;
                }
                confirmed = end;
                pending = null;
                replyOwed = false;
                Confirm(confirmed, replyRequested: false);
                if (first)
                {
                    first = false;
                    firstConfirmed();
                }
            }
            else if (replyOwed)
            {
                replyOwed = false;
                Confirm(confirmed, replyRequested: false);
            }
        }
    }

    private void Confirm(ulong position, bool replyRequested) =>
        connection.SendStatus(position, position, position, FrontendMessages.PostgresClock(options.Time.GetUtcNow()), replyRequested);

    /// <summary>Runs <paramref name="work"/> on a thread of its own, never on the thread pool: its calls block. A
    /// cancellation shuts the socket down, which ends a blocked call; its error then reads as the cancellation.</summary>
    private Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            using var abort = ct.Register(connection.Abort);
            try
            {
                ct.ThrowIfCancellationRequested();
                done.SetResult(work());
            }
            catch (Exception e) when (connection.Aborted && ct.IsCancellationRequested)
            {
                done.SetException(new OperationCanceledException("the commit lease's connection was closed", e, ct));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "pgward commit lease",
        };
        running = done.Task;
        thread.Start();
        return done.Task;
    }
}
