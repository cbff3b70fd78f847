using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pgward.Agent.Control;
using Pgward.Cluster;
using Pgward.Cluster.Operations;
using Pgward.Cluster.Rejoin;
using Pgward.Cluster.Witness;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Failover;

/// <summary>
/// Carries out the failover loop's decisions on the local server, one at a time with the agent's control actions,
/// and records each as an event (repmgrd's names where repmgrd has one).
/// </summary>
public sealed class FailoverActuator(OperationContext ctx, LocalNodeControl control, PrimaryGuard guard, EventQueue events, ILogger logger)
{
    /// <summary>How long a fenced server may take to start again read-only, or a promotion to finish: 60 s.</summary>
    public static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Stops the local primary taking writes: the guard makes it start in recovery, an immediate stop ends every
    /// session at once (a fast stop could wait for a walsender to an unreachable standby), and it starts again
    /// read-only so that its agent can see the newer primary and rejoin it. Event <c>pgward_fence</c>.
    /// </summary>
    /// <remarks>A fence queued behind a rejoin (both decided at the same tick) found the node a standby by the time it
    /// ran: it wrote the guard over the rejoin's <c>standby.signal</c>, and the standby passed for an old primary, so
    /// every voter refused every candidate, "node 1 runs a primary" (old-primary-returns:async seed 128). A data
    /// directory that holds pgward's plain <c>standby.signal</c> is a standby's: there is nothing to fence.</remarks>
    public Task<Outcome> FenceAsync(string reason, CancellationToken ct)
    {
        if (guard.MarksStandby)
        {
            FailoverLog.Decided(logger, $"not fenced ({reason}): the server is a standby now, a rejoin or a follow came first");
            return Task.FromResult(Outcome.Ok);
        }
        return RunAsync("pgward_fence", $"fenced: {reason}", async server =>
        {
            guard.Set();
            if (server.RunningPid() is not null)
            {
                var stopped = await server.StopAsync(ShutdownMode.Immediate, ServerTimeout, ct);
                if (!stopped.Succeeded)
                {
                    return Outcome.Fail(ExitCodes.LocalCommand, stopped.Describe());
                }
            }
            // Clearly after the guard's write (LocalServer.StandbySignalSeparation), so that the dead-man switch, whose
            // deadline may have lapsed meanwhile, can tell this server started read-only and leaves it running (StandbyStart).
            var started = await server.StartAsync(ServerTimeout, ct);
            return started.Succeeded ? Outcome.Ok : Outcome.Fail(ExitCodes.LocalCommand, started.Describe());
        }, ct);
    }

    /// <summary>
    /// A majority acknowledges this primary again and nobody replaced it: the server the guard started read-only is
    /// stopped and started again as the primary it was, on the same timeline (a promotion would begin a new one, and
    /// every standby would have to follow the switch). It replays its own WAL and nothing else: the guarded server
    /// had no upstream. Event <c>pgward_unfence</c>.
    /// </summary>
    public Task<Outcome> UnfenceAsync(long term, CancellationToken ct) =>
        RunAsync("pgward_unfence", $"a majority acknowledges node {ctx.Options.NodeId} as the primary of term {term}", term, async server =>
        {
            var stopped = await server.StopAsync(ShutdownMode.Fast, ServerTimeout, ct);
            if (!stopped.Succeeded)
            {
                return Outcome.Fail(ExitCodes.LocalCommand, stopped.Describe());
            }
            guard.Clear();
            var started = await server.StartAsync(ServerTimeout, ct);
            if (!started.Succeeded)
            {
                guard.Set();
                return Outcome.Fail(ExitCodes.LocalCommand, started.Describe(), hint: $"see the server log {server.LogFile}");
            }
            return await KeepGuardAsync(ct);
        }, ct);

    /// <summary>This standby won the election: promote it (<c>promote_command</c> when set). Event
    /// <c>repmgrd_failover_promote</c>.</summary>
    /// <param name="synchronousStandbyNames">In sync mode, the new primary's <c>synchronous_standby_names</c>: set
    /// before the promotion, because a standby cloned before the setting had none, and every commit it took between
    /// its promotion and the agent's next check would be acknowledged with no standby holding it.</param>
    /// <param name="promoted">Told the outcome as soon as it is known, before the witnesses' copies are refreshed: an
    /// operator's switchover waits for it, and refreshes them itself at its end.</param>
    public Task<Outcome> PromoteAsync(long term, string? synchronousStandbyNames, Action<Outcome> promoted, CancellationToken ct) =>
        RunAsync("repmgrd_failover_promote", $"node {ctx.Options.NodeId} promoted to primary after winning term {term}", term, async _ =>
        {
            if (synchronousStandbyNames is not null)
            {
                try
                {
                    await SyncStandbys.SetAsync(ctx.Db, ctx.Options.Conninfo, synchronousStandbyNames, ct);
                }
                catch (NpgsqlException e) when (!ct.IsCancellationRequested)
                {
                    return Outcome.Fail(ExitCodes.PromotionFailed, $"synchronous_standby_names could not be set before the promotion: {e.Message}",
                        hint: "replication_mode = sync promotes only a server whose first commit waits for a standby");
                }
            }
            var outcome = ctx.Options.PromoteCommand is { Length: > 0 } command
                ? ToOutcome(await ShellCommand.RunAsync(ctx, command, ServerTimeout, ct,
                    CommandEnvironment((StandbyPromote.ElectedTermVariable, term.ToString(CultureInfo.InvariantCulture)))), "promote_command")
                : await new StandbyPromote(ctx).RunElectedAsync(ct);
            return outcome.Succeeded ? await KeepGuardAsync(ct) : outcome;
        }, ct, syncWitnessesFrom: ctx.Options.NodeId, answer: promoted);

    /// <summary>How long an automatic rejoin by pg_rewind (or a plain re-point) waits for streaming before it re-clones.</summary>
    private static readonly TimeSpan AutomaticRejoinStreamTimeout = TimeSpan.FromSeconds(15);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>How long an automatic follow waits for streaming from the new primary before it rejoins instead.</summary>
    private static readonly TimeSpan AutomaticFollowTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Re-points this standby at the new primary (<c>follow_command</c> with <c>%n</c> when set). Event
    /// <c>repmgrd_failover_follow</c>. A standby whose history forked from the new primary's (it received WAL the new
    /// primary never had) cannot simply follow: with <c>auto_rejoin</c> it then rejoins as an old primary would.
    /// </summary>
    /// <param name="primary">The new primary's record, for the rejoin; null when this node does not know it.</param>
    /// <param name="reason">Why this standby leaves its upstream ("its upstream node 2 has not streamed to it for 2 s"),
    /// recorded in the event.</param>
    public Task<Outcome> FollowAsync(int primaryId, NodeRecord? primary, string reason, CancellationToken ct) =>
        RunAsync("repmgrd_failover_follow", $"node {ctx.Options.NodeId} now following new upstream node {primaryId}: {reason}", async server =>
        {
            if (ctx.Options.FollowCommand is { Length: > 0 } command)
            {
                var replaced = command.Replace("%n", primaryId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
                return ToOutcome(await ShellCommand.RunAsync(ctx, replaced, ServerTimeout, ct, CommandEnvironment()), "follow_command");
            }
            // Not streaming soon means forked, most likely (a thawed old primary sent WAL after the check): rejoin
            // then, rather than wait out standby_follow_timeout.
            // The new primary's heartbeat comes when it won, before its promotion ends: RunElectedAsync looks for it every
            // 100 ms, not every promote_check_interval (1 s), or this standby follows a second late (in sync mode the new
            // primary's first commits wait for it; a switchover's siblings, issue 17).
            var quick = ctx.With(ctx.Options with { StandbyFollowTimeout = AutomaticFollowTimeout });
            var followed = await new StandbyFollow(quick).RunElectedAsync(primaryId, ct);
            if (followed.Succeeded || !ctx.Options.AutoRejoin || primary is null)
            {
                return followed;
            }
            FailoverLog.Failed(logger, "follow", (followed.Error ?? "") + "; rejoining instead");
            return await RejoinOrRestartAsync(server, primary, ct);
        }, ct, syncWitnessesFrom: primaryId);

    /// <summary>
    /// This old primary rejoins the new one as a standby: stopped, rewound when its history forked (or re-cloned when
    /// pg_rewind cannot work), started as a standby. Event <c>pgward_auto_rejoin</c>.
    /// </summary>
    public Task<Outcome> RejoinAsync(NodeRecord primary, CancellationToken ct) =>
        RunAsync("pgward_auto_rejoin", $"node {ctx.Options.NodeId} rejoined as a standby of {primary.Describe()}",
            server => RejoinOrRestartAsync(server, primary, ct), ct, syncWitnessesFrom: primary.NodeId);

    /// <summary>
    /// A rejoin whose target went away in the middle (a connection reset: the node it was told to rejoin was itself being
    /// rewound after losing a newer election, or died) ends as a failure, not an exception, and a server it had stopped
    /// comes back read-only: the agent asks for a rejoin only of a running server, so one left stopped stayed down for
    /// good (chaos old-primary-returns:sync, seed 1093). Started only behind <c>standby.signal</c>, which keeps it in
    /// recovery whatever the rejoin got to.
    /// </summary>
    private async Task<Outcome> RejoinOrRestartAsync(LocalServer server, NodeRecord primary, CancellationToken ct)
    {
        var wasRunning = server.RunningPid() is not null;
        try
        {
            return await RejoinServerAsync(server, primary, wasRunning, ct);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException && !ct.IsCancellationRequested)
        {
            var restarted = wasRunning && server.RunningPid() is null && guard.SignalPresent
                && (await server.StartAsync(ServerTimeout, ct)).Succeeded;
            return Outcome.Fail(ExitCodes.RejoinFailed, $"the rejoin of {primary.Describe()} broke off: {e.Message}",
                detail: restarted ? "the server was started again read-only; the next heartbeat of the primary asks for a rejoin again" : null);
        }
    }

    private async Task<Outcome> RejoinServerAsync(LocalServer server, NodeRecord primary, bool wasRunning, CancellationToken ct)
    {
        string? unreplayed = null;
        if (wasRunning)
        {
            // An old primary started read-only after a crash opens as soon as it is consistent, which after a recent
            // promotion is at the promotion's own record, before it has replayed the WAL it wrote as the primary. Stopped
            // then, pg_rewind would read its WAL only as far as replay got and miss blocks its data files already hold:
            // it is rewound only once replay has reached the end of its WAL, and re-cloned otherwise.
            unreplayed = await LocalReplay.WaitForEndOfWalAsync(ctx, AutomaticRejoinStreamTimeout, ct);
            var stopped = await server.StopAsync(ShutdownMode.Fast, ServerTimeout, ct);
            if (!stopped.Succeeded)
            {
                return Outcome.Fail(ExitCodes.LocalCommand, stopped.Describe());
            }
        }
        if (unreplayed is null)
        {
            // Rewound when its history forked (the usual case after a failover), as "node rejoin --force-rewind" does. Its
            // wait for streaming is short: a primary that no longer holds the WAL this node needs from it (one that was
            // itself re-cloned since) is never streamed from, and the re-clone below is the way out.
            var quick = ctx.With(ctx.Options with { NodeRejoinTimeout = Min(ctx.Options.NodeRejoinTimeout, AutomaticRejoinStreamTimeout) });
            var rewound = await new NodeRejoin(quick).RunAsync(new RejoinRequest(primary.Conninfo, ForceRewind: true, [], DryRun: false, Reclone: false), ct);
            if (rewound.Succeeded)
            {
                return rewound;
            }
            FailoverLog.Failed(logger, "rejoin with pg_rewind", rewound.Error ?? "");
        }
        else
        {
            FailoverLog.Failed(logger, "rejoin with pg_rewind", $"not tried: {unreplayed}; cloning afresh instead");
        }
        if (server.RunningPid() is not null)
        {
            // Started, but it never streamed (its primary lacks the WAL it needs): a re-clone needs it stopped.
            await server.StopAsync(ShutdownMode.Fast, ServerTimeout, ct);
        }
        var recloned = await new NodeRejoin(ctx).RunAsync(new RejoinRequest(primary.Conninfo, ForceRewind: false, [], DryRun: false, Reclone: true), ct);
        if (!recloned.Succeeded && wasRunning && server.RunningPid() is null)
        {
            // Nothing was changed (no primary to rejoin yet, say): the server comes back as it was, still read-only
            // behind its standby.signal, rather than stay down until someone notices.
            await server.StartAsync(ServerTimeout, ct);
        }
        return recloned;
    }

    /// <summary>
    /// The leader of <paramref name="term"/>, writable, makes sure the node records name it the primary, and keeps the
    /// guard: both are written right after a promotion, and a host that died in between (the repeated-failovers
    /// scenario kills a new primary as soon as it is promoted) came back writable, with records that still named the
    /// old primary, so that no other node found a primary to rejoin. Event <c>pgward_primary_recorded</c> when it
    /// had to write.
    /// </summary>
    public async Task<Outcome> RecordLeadershipAsync(long term, CancellationToken ct)
    {
        guard.Set();
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } local)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to the local {ctx.LocalNode}", detail: attempt.Error);
        }
        await using (local)
        {
            var nodes = await new MetadataStore(local).GetNodesAsync(ct);
            if (PromotionRecord.IsRecorded(nodes, ctx.Options.NodeId))
            {
                return Outcome.Ok;
            }
            if (nodes.FirstOrDefault(n => n.NodeId == ctx.Options.NodeId) is not { } self)
            {
                return Outcome.Fail(ExitCodes.BadConfig, $"the local {ctx.LocalNode} has no node record");
            }
            var former = await PromotionRecord.WriteAsync(ctx, local, self, nodes, ct);
            var details = $"node {self.NodeId} recorded as the primary of term {term}{(former is null ? "" : $" in place of node {former.NodeId}")}";
            FailoverLog.PrimaryRecorded(logger, self.NodeName, term, former is null ? "" : $" in place of node {former.NodeId}");
            events.Record("pgward_primary_recorded", true, details);
            return Outcome.Ok;
        }
    }

    /// <summary>Records a refusal to promote (event <c>repmgrd_failover_aborted</c>).</summary>
    public void RecordRefusal(string reason) => events.Record("repmgrd_failover_aborted", false, reason);

    /// <param name="syncWitnessesFrom">After a change of roles, the witnesses' copies of the node records are refreshed
    /// from the primary (this node id is tried first).</param>
    private Task<Outcome> RunAsync(string eventName, string details, Func<LocalServer, Task<Outcome>> action, CancellationToken ct,
        int? syncWitnessesFrom = null) =>
        RunAsync(eventName, details, term: null, action, ct, syncWitnessesFrom);

    /// <param name="term">The term the action belongs to, logged as its own property; null when none does.</param>
    /// <param name="answer">Told the outcome before the witnesses are synced.</param>
    private async Task<Outcome> RunAsync(string eventName, string details, long? term, Func<LocalServer, Task<Outcome>> action, CancellationToken ct,
        int? syncWitnessesFrom = null, Action<Outcome>? answer = null)
    {
        var what = eventName.Replace('_', ' ');
        if (term is { } t)
        {
            FailoverLog.DecidedInTerm(logger, what, t, details);
        }
        else
        {
            FailoverLog.Decided(logger, what + ": " + details);
        }
        var outcome = await control.ExclusiveAsync(action, ct);
        switch (outcome.Succeeded, term)
        {
            case (true, { } done):
                FailoverLog.DoneInTerm(logger, eventName, done);
                break;
            case (true, null):
                FailoverLog.Done(logger, eventName);
                break;
            case (false, { } failed):
                FailoverLog.FailedInTerm(logger, eventName, failed, outcome.Error ?? "");
                break;
            default:
                FailoverLog.Failed(logger, eventName, outcome.Error ?? "");
                break;
        }
        events.Record(eventName, outcome.Succeeded, outcome.Succeeded ? details : $"{details}: {outcome.Error}");
        answer?.Invoke(outcome);
        if (outcome.Succeeded && syncWitnessesFrom is { } from)
        {
            await SyncWitnessesAsync(from, ct);
        }
        return outcome;
    }

    private async Task SyncWitnessesAsync(int primaryId, CancellationToken ct)
    {
        var (source, _) = await ClusterMetadata.ReadAsync(ctx, ct);
        await using var primary = source is null ? null : await ClusterMetadata.ConnectPrimaryAsync(ctx, source.Nodes, primaryId, ct);
        if (primary is null)
        {
            return;
        }
        foreach (var problem in await WitnessSync.SyncAsync(ctx, primary, ct))
        {
            FailoverLog.Failed(logger, "witness sync", problem);
        }
    }

    // A promoted server lost its standby.signal: write the guard again, and drop primary_conninfo so that a guard
    // start does not stream from a former upstream.
    private async Task<Outcome> KeepGuardAsync(CancellationToken ct)
    {
        guard.Set();
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is { } connection)
        {
            await using (connection)
            {
                try
                {
                    await using var reset = new NpgsqlCommand("ALTER SYSTEM RESET primary_conninfo", connection);
                    await reset.ExecuteNonQueryAsync(ct);
                }
                catch (NpgsqlException e) when (!ct.IsCancellationRequested)
                {
                    FailoverLog.Failed(logger, "ALTER SYSTEM RESET primary_conninfo", e.Message);
                }
            }
        }
        return Outcome.Ok;
    }

    /// <summary>What <c>promote_command</c> and <c>follow_command</c> find in their environment: this node's
    /// pgward.conf (<c>PGWARD_CONF</c>), so that a plain <c>pgward standby promote</c> or <c>pgward standby follow</c>
    /// in them acts on this node, and the given extras.</summary>
    private Dictionary<string, string> CommandEnvironment(params (string Name, string Value)[] extra)
    {
        var environment = extra.ToDictionary(e => e.Name, e => e.Value);
        if (ctx.Options.ConfigFile is { Length: > 0 } config)
        {
            environment[ConfigLocator.EnvironmentVariable] = config;
        }
        return environment;
    }

    private static Outcome ToOutcome(string? failure, string key) =>
        failure is null ? Outcome.Ok : Outcome.Fail(ExitCodes.LocalCommand, $"{key} failed: {failure}");
}
