using Npgsql;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary>
/// The WAL receiver of a backup server (<c>pgward backup receive-wal</c>; the daemon hosts the same class): streams
/// the cluster's WAL through a physical replication slot into the archive until cancelled, and follows the cluster:
/// when the primary is lost it finds the new one from the metadata, creates its slot there and goes on along the
/// new timeline from where the old one ended. Only problems an operator must solve end it (<see cref="WalStreamException"/>).
/// </summary>
public sealed class WalStreamer(BackupOptions options, DbConnector db, IReporter reporter, TimeProvider time, WalStreamerSettings? settings = null)
{
    private readonly WalStreamerSettings _settings = settings ?? new WalStreamerSettings();

    /// <summary>Streams until <paramref name="ct"/> is cancelled (then <see cref="Outcome.Ok"/>) or an operator is needed.</summary>
    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        var layout = options.Layout;
        var pidFile = new ReceiverPidFile(layout);
        if (pidFile.RunningPid() is { } running && running != Environment.ProcessId)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"a WAL receiver is already running for \"{layout.Root}\" (PID {running})",
                hint: "stop it with \"pgward backup receive-wal --stop\"");
        }
        pidFile.Write(Environment.ProcessId);
        try
        {
            return await LoopAsync(layout, ct);
        }
        finally
        {
            pidFile.Remove(Environment.ProcessId);
        }
    }

    private async Task<Outcome> LoopAsync(BackupLayout layout, CancellationToken ct)
    {
        var locator = new PrimaryLocator(options.Conninfo, layout, db);
        var session = new ReplicationSession(layout, options.SlotName, db, reporter, time, _settings);
        string? lastProblem = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (primary, problem) = await locator.FindAsync(ct);
                if (primary is not null)
                {
                    await DropStaleSlotsAsync(locator.Standbys, ct);
                }
                var end = primary is null ? SessionEnd.Disconnected : await session.RunAsync(primary, ct);
                if (problem is not null && problem != lastProblem)
                {
                    reporter.Warning($"cannot stream WAL: {problem}; retrying every {_settings.RetryInterval.TotalSeconds:0.#} s");
                }
                lastProblem = problem;
                if (end == SessionEnd.TimelineEnded)
                {
                    continue;
                }
            }
            catch (WalStreamException e)
            {
                return Outcome.Fail(ExitCodes.SystemFailure, e.Message, hint: e.Hint);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException or ObjectDisposedException)
            {
                // InvalidOperationException, ObjectDisposedException: Npgsql's answer to a use of a connection that broke
                // under it; a connection problem like the others.
                var problem = $"cannot stream WAL: {e.Message}";
                if (problem != lastProblem)
                {
                    reporter.Warning($"{problem}; retrying every {_settings.RetryInterval.TotalSeconds:0.#} s");
                }
                lastProblem = problem;
            }
            try
            {
                await Task.Delay(_settings.RetryInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        reporter.Notice("WAL receiver stopped");
        return Outcome.Ok;
    }

    /// <summary>
    /// The receiver's slot left on a node that is now a standby (a former primary that rejoined without pg_rewind,
    /// which would have emptied pg_replslot) holds WAL there forever, since nothing streams through it: drop it.
    /// </summary>
    private async Task DropStaleSlotsAsync(IReadOnlyList<PrimaryNode> standbys, CancellationToken ct)
    {
        foreach (var standby in standbys)
        {
            var attempt = await db.TryOpenAsync(standby.Conninfo, ct);
            if (attempt.Connection is not { } connection)
            {
                continue;
            }
            await using (connection)
            {
                if (await ReplicationSlots.DropIfInactiveAsync(connection, options.SlotName, ct))
                {
                    reporter.Notice($"dropped replication slot \"{options.SlotName}\" on {standby.Name}, now a standby: it kept WAL nobody streams");
                }
            }
        }
    }
}
