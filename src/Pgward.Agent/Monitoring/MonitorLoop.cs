using Microsoft.Extensions.Logging;
using Npgsql;
using Pgward.Agent.Health;
using Pgward.Cluster;
using Pgward.Core.Metadata;

namespace Pgward.Agent.Monitoring;

/// <summary>
/// The daemon's monitoring: every <c>monitor_interval</c> it probes the local server (and, on a standby, its
/// upstream) through the same short-timeout probe the health checks use (which logs role changes), so a dead or
/// frozen host cannot stall it for more than the connect timeout. It remembers when the upstream last answered, and with
/// <c>monitoring_history = true</c> writes a <c>pgward.monitoring_history</c> row on the primary each interval.
/// </summary>
public sealed class MonitorLoop(OperationContext ctx, ProbeCache probes, ILogger logger)
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset? upstreamLastSeen;

    /// <summary>Completes when the loop has finished its first round: the agent has looked at its server (and logged
    /// what it found). What the agent waits for to tell systemd it is ready.</summary>
    public Task FirstRound => firstRound.Task;

    /// <summary>When a standby last got an answer from its upstream; null on a primary or before the first answer.</summary>
    public DateTimeOffset? UpstreamLastSeen
    {
        get
        {
            lock (gate)
            {
                return upstreamLastSeen;
            }
        }
    }

    /// <param name="beat">Called after every round: the loop is not stuck.</param>
    public async Task RunAsync(Action beat, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(ctx.Options.MonitorInterval, ctx.Time);
        try
        {
            do
            {
                await TickAsync(ct);
                beat();
                firstRound.TrySetResult();
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var state = await probes.GetAsync(ct);
        var now = ctx.Time.GetUtcNow();
        lock (gate)
        {
            upstreamLastSeen = !state.Running || !state.InRecovery ? null
                : state.LagSource == LagSource.Upstream ? now
                : upstreamLastSeen;
        }
        if (ctx.Options.MonitoringHistory && state is { Running: true, InRecovery: true, ReceiveLsn: { } received, ReplayLsn: { } replayed })
        {
            await RecordHistoryAsync(received.ToString(), replayed.ToString(), ct);
        }
    }

    private async Task RecordHistoryAsync(string receivedLsn, string replayedLsn, CancellationToken ct)
    {
        try
        {
            var (source, _) = await ClusterMetadata.ReadAsync(ctx, ct);
            if (source?.Nodes.FirstOrDefault(n => n.Type == NodeType.Primary && n.Active) is not { } primary)
            {
                return;
            }
            await using var connection = await ctx.Db.OpenAsync(primary.Conninfo, ct);
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO pgward.monitoring_history (primary_node_id, standby_node_id, last_monitor_time,
                    last_wal_primary_location, last_wal_standby_location, replication_lag, apply_lag)
                SELECT $1, $2, now(), pg_current_wal_lsn(), $3::pg_lsn,
                       greatest(pg_current_wal_lsn() - $3::pg_lsn, 0)::bigint, greatest($3::pg_lsn - $4::pg_lsn, 0)::bigint
                """,
                connection);
            insert.Parameters.Add(new NpgsqlParameter { Value = primary.NodeId });
            insert.Parameters.Add(new NpgsqlParameter { Value = ctx.Options.NodeId });
            insert.Parameters.Add(new NpgsqlParameter { Value = receivedLsn });
            insert.Parameters.Add(new NpgsqlParameter { Value = replayedLsn });
            await insert.ExecuteNonQueryAsync(ct);
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            AgentLog.MonitoringHistoryFailed(logger, e.Message);
        }
    }
}
