using Microsoft.Extensions.Logging;
using Npgsql;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Operations;
using Pgward.Cluster.Rejoin;
using Pgward.Core;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Control;

/// <summary>
/// <see cref="INodeControl"/> on the local data directory through pg_ctl (as the server's OS user). One action at a
/// time: a second request waits for the first to finish.
/// </summary>
public sealed class LocalNodeControl(OperationContext ctx, ILogger logger) : INodeControl, IDisposable
{
    /// <summary>How long pg_ctl start waits for the server to accept connections: 60 s.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    /// <summary>The agent's failover loop: promotions go through its election, a stopped primary releases its lease.</summary>
    public Failover.FailoverDriver? Failover { get; set; }

    public async Task<ControlResponse> StopAsync(StopRequest request, CancellationToken ct)
    {
        var response = await RunAsync("stop", "agent_stop", server => StopServerAsync(server, request, ct), ct);
        if (!response.Ok || LocalServer.Create(ctx) is not ({ } server, _))
        {
            return response;
        }
        // A cleanly stopped primary takes no writes: its successor need not wait out the lease.
        if (Failover is { } failover)
        {
            await failover.ReleaseLeaseAsync(ct);
        }
        // A switchover waits until the candidate has received this checkpoint: nothing acknowledged comes after it.
        var (data, _) = await new RewindTool(server, ctx.Processes).ReadControlDataAsync(ct);
        return response with { CheckpointLsn = data?.CheckpointLocation.ToString() };
    }

    public Task<ControlResponse> SetPausedAsync(bool paused, CancellationToken ct) =>
        RunAsync(paused ? "pause" : "unpause", paused ? "daemon_pause" : "daemon_unpause", _ =>
        {
            var flag = PauseFlag.For(ctx.Options);
            if (paused)
            {
                flag.Pause(ctx.Time.GetLocalNow());
            }
            else
            {
                flag.Unpause();
            }
            return Task.FromResult(Outcome.Ok);
        }, ct);

    public async Task<ControlResponse> PromoteAsync(CancellationToken ct)
    {
        // With failover on, a promotion must win an election first, or this node's own agent would fence the result.
        // It takes the one-at-a-time lock itself when it promotes, so it must not be taken here.
        if (Failover is { } failover && await failover.PromoteOnRequestAsync(ct) is { } elected)
        {
            return ControlResponse.From(elected);
        }
        return await RunAsync("promote", null, _ => new StandbyPromote(ctx).RunAsync(force: false, dryRun: false, ct), ct);
    }

    public Task<ControlResponse> FollowAsync(FollowRequest request, CancellationToken ct) =>
        RunAsync("follow", null, _ => new StandbyFollow(ctx).RunAsync(request.UpstreamNodeId, wait: true, dryRun: false, ct), ct);

    public Task<ControlResponse> RejoinAsync(RejoinBody request, CancellationToken ct) =>
        RunAsync("rejoin", null, _ => new NodeRejoin(ctx).RunAsync(
            new RejoinRequest(request.Conninfo, request.ForceRewind, [], DryRun: false, Reclone: false,
                request is { ReceivedBy: { } node, ReceivedCheckpoint: { } text } && Lsn.TryParse(text, out var checkpoint)
                    ? new ShutdownReceived(node, checkpoint) : null), ct), ct);

    public async Task<ControlResponse> RecoverAsync(RecoverBody request, CancellationToken ct)
    {
        Cluster.Backups.RestorePullResult? pulled = null;
        var response = await RunAsync("recover", "backup_recover_node", async server =>
        {
            (var outcome, pulled) = await new NodeRecover(ctx, server).RunAsync(request, ct);
            return outcome;
        }, ct);
        return response with { Restored = pulled };
    }

    public Task<ControlResponse> StartAsync(CancellationToken ct) =>
        RunAsync("start", "agent_start", server => StartServerAsync(server, ct), ct);

    public Task<ControlResponse> RestartAsync(CancellationToken ct) =>
        RunAsync("restart", "agent_restart", async server =>
        {
            var stopped = await StopServerAsync(server, new StopRequest(), ct);
            return stopped.Succeeded ? await StartServerAsync(server, ct) : stopped;
        }, ct);

    public void Dispose() => oneAtATime.Dispose();

    /// <summary>Runs an action of the failover loop on the local server, one at a time with the control actions.</summary>
    public async Task<Outcome> ExclusiveAsync(Func<LocalServer, Task<Outcome>> action, CancellationToken ct)
    {
        await oneAtATime.WaitAsync(ct);
        try
        {
            var (server, problem) = LocalServer.Create(ctx);
            return server is null ? problem : await action(server);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <param name="action">The endpoint's name (<c>/control/{action}</c>), for the log.</param>
    /// <param name="eventName">The agent's event for the action; null when the operation records its own.</param>
    private async Task<ControlResponse> RunAsync(
        string action, string? eventName, Func<LocalServer, Task<Outcome>> run, CancellationToken ct)
    {
        await oneAtATime.WaitAsync(ct);
        try
        {
            var (server, problem) = LocalServer.Create(ctx);
            var outcome = server is null ? problem : await run(server);
            if (outcome.Succeeded)
            {
                AgentLog.ControlSucceeded(logger, action);
            }
            else
            {
                AgentLog.ControlFailed(logger, action, outcome.Error ?? "");
            }
            if (eventName is not null)
            {
                await RecordAsync(eventName, outcome, ct);
            }
            return ControlResponse.From(outcome);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private async Task<Outcome> StopServerAsync(LocalServer server, StopRequest request, CancellationToken ct)
    {
        if (!Enum.TryParse<ShutdownMode>(request.Mode, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"invalid shutdown mode \"{request.Mode}\"", hint: "use smart, fast or immediate");
        }
        if (server.RunningPid() is null)
        {
            return Outcome.Ok;
        }
        if (request.Checkpoint && await CheckpointAsync(ct) is { } failed)
        {
            return failed;
        }
        var result = await server.StopAsync(mode, ctx.Options.ShutdownCheckTimeout, ct);
        return result.Succeeded ? Outcome.Ok : Outcome.Fail(ExitCodes.LocalCommand, result.Describe());
    }

    private async Task<Outcome> StartServerAsync(LocalServer server, CancellationToken ct)
    {
        if (server.RunningPid() is not null)
        {
            return Outcome.Ok;
        }
        var result = await server.StartAsync(StartTimeout, ct);
        return result.Succeeded
            ? Outcome.Ok
            : Outcome.Fail(ExitCodes.LocalCommand, result.Describe(), hint: $"see the server log {server.LogFile}");
    }

    // A CHECKPOINT before a fast shutdown writes most dirty buffers while clients still work, so the shutdown
    // checkpoint (during which nothing is served) is short.
    private async Task<Outcome?> CheckpointAsync(CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to run CHECKPOINT: {attempt.Error}");
        }
        await using (connection)
        {
            try
            {
                await using var cmd = new NpgsqlCommand("CHECKPOINT", connection) { CommandTimeout = 0 };
                await cmd.ExecuteNonQueryAsync(ct);
                return null;
            }
            catch (NpgsqlException e) when (!ct.IsCancellationRequested)
            {
                return Outcome.Fail(ExitCodes.DbQuery, $"CHECKPOINT failed: {e.Message}");
            }
        }
    }

    private Task RecordAsync(string eventName, Outcome outcome, CancellationToken ct) =>
        new AgentEvents(ctx).RecordAsync(eventName, outcome.Succeeded,
            outcome.Succeeded ? $"{eventName.Replace('_', ' ')} succeeded" : $"{outcome.Error}", ct);
}
