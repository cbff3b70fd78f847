using Npgsql;
using Pgward.Cluster.Clone;
using Pgward.Cluster.Timelines;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Rejoin;

/// <summary>
/// The changing half of <c>node rejoin</c>, after every check passed: keep the configuration files, rewind or re-clone,
/// configure the standby, start it, wait until it streams, and record it. A failure names the phase it stopped in.
/// </summary>
public sealed class RejoinSteps(OperationContext ctx, LocalServer local, PrimaryConnection primary, RejoinPlan plan)
{
    /// <summary>How often the primary's pg_stat_replication is looked at once the server started: one query on an open
    /// connection, and a switchover waits for it (the first look, right after the start, is most often too early): 20 ms.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Settings a former primary or a recovered copy may carry that would stop it following the primary:
    /// a recovery target ends recovery early, a fixed recovery_target_timeline never reaches the new timeline.</summary>
    private static readonly string[] StaleRecoverySettings =
    [
        "recovery_target", "recovery_target_lsn", "recovery_target_name", "recovery_target_time", "recovery_target_xid",
        "recovery_target_timeline", "recovery_target_action", "recovery_target_inclusive",
    ];

    private readonly ConfigArchive _archive = ConfigArchive.For(local.DataDirectory, ctx.Options.NodeName);

    private string Target => $"node {primary.Node.NodeId}";

    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        var reporter = ctx.Reporter;
        var options = ctx.Options;
        if (StaleLockFile.Find(local.DataDirectory) is { } zombie)
        {
            reporter.Warning($"removing the stale postmaster.pid and socket lock file: PID {zombie} has exited but was not reaped, and no process works in the data directory");
            StaleLockFile.Remove(local.DataDirectory, zombie);
        }
        var keep = plan.Verdict is not RejoinVerdict.NoRewind;
        if (keep)
        {
            await _archive.SaveAsync(plan.KeepFiles, ct);
            reporter.Info($"copied {plan.KeepFiles.Count} configuration files to \"{_archive.Directory}\"");
        }
        if (plan.Verdict is RejoinVerdict.Rewind && await RewindAsync(ct) is { } rewindFailed)
        {
            // pg_rewind may have copied the source's configuration files before it failed: this node's own go back,
            // so that a re-clone after it (which saves them again) keeps the right ones.
            await _archive.RestoreAsync(plan.KeepFiles, ct);
            return rewindFailed;
        }
        if (plan.Verdict is RejoinVerdict.Reclone && await RecloneAsync(ct) is { } recloneFailed)
        {
            return recloneFailed;
        }
        if (keep)
        {
            await _archive.RestoreAsync(plan.KeepFiles, ct);
            reporter.Info($"restored {plan.KeepFiles.Count} configuration files of {ctx.LocalNode}");
        }
        await ConfigureStandbyAsync(ct);

        reporter.Notice($"setting node {options.NodeId}'s upstream to node {primary.Node.NodeId}");
        reporter.Notice($"starting server (log: \"{local.LogFile}\")");
        var started = await local.StartAsync(options.NodeRejoinTimeout, ct);
        if (!started.Succeeded)
        {
            return await FailAsync(ExitCodes.NoRestart, "unable to start server", "start", $"{started.Describe()}\n(see {local.LogFile})");
        }
        var streaming = await Waiting.UntilAsync(token => Downstream.IsStreamingAsync(primary.Connection, options.NodeName, token),
            options.NodeRejoinTimeout, PollInterval, ctx.Time, ct);
        if (!streaming)
        {
            return await FailAsync(ExitCodes.RejoinFailed,
                $"{ctx.LocalNode} started but is not streaming from {primary.Node.Describe()} after {options.NodeRejoinTimeout.TotalSeconds:0} seconds",
                "wait for streaming", $"see the server log \"{local.LogFile}\"");
        }
        await RecordStandbyAsync(ct);
        await DropStaleSlotsAsync(ct);
        _archive.Remove();
        reporter.Notice("NODE REJOIN successful");
        reporter.Detail($"node {options.NodeId} is now attached to {Target}");
        return Outcome.Ok;
    }

    private async Task<Outcome?> RewindAsync(CancellationToken ct)
    {
        ctx.Reporter.Notice($"pg_rewind execution required for this node to attach to rejoin target {Target}");
        ctx.Reporter.Detail(plan.Verdict.Reason);
        var (recovered, recoveryFailed) = await FinishCrashRecoveryAsync(ct);
        if (recoveryFailed is not null)
        {
            return recoveryFailed;
        }
        RejoinVerdict? judged = null;
        if (recovered is not null)
        {
            var timeline = plan.PrimaryTimeline;
            var history = timeline > 1 ? TimelineHistory.Parse(await ReplicationProbe.ReadHistoryFileAsync(primary.Connection, timeline, ct)) : [];
            judged = RejoinPolicy.AfterCrashRecovery(recovered, timeline, history);
        }
        if (judged is RejoinVerdict.Refuse refuse)
        {
            return await FailAsync(ExitCodes.RejoinFailed, refuse.Reason, "crash recovery", refuse.Detail ?? "", refuse.Hint);
        }
        if (plan.SlotName is { } slot)
        {
            // Before the rewind, so the WAL the node will ask for after it is reserved.
            await ReplicationSlots.RecreateAsync(primary.Connection, slot, ct);
        }
        if (judged is RejoinVerdict.NoRewind attach)
        {
            ctx.Reporter.Notice($"no pg_rewind after all: {attach.Reason}");
            return null;
        }
        var tool = new RewindTool(local, ctx.Processes);
        ctx.Reporter.Notice("executing pg_rewind");
        ctx.Reporter.Detail($"pg_rewind command is \"{tool.Describe(plan.Source)}\"");
        var result = await tool.RewindAsync(plan.Source, ct);
        if (!result.Succeeded)
        {
            return await FailAsync(ExitCodes.RejoinFailed, "pg_rewind failed", "pg_rewind",
                $"{result.Describe()}\nthe node's configuration files are kept in \"{_archive.Directory}\"");
        }
        foreach (var line in (result.StandardOutput + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            ctx.Reporter.Info(line);
        }
        ctx.Reporter.Notice($"pg_rewind copied the changed blocks from {primary.Node.Describe()} into \"{local.DataDirectory}\"");
        return null;
    }

    /// <summary>
    /// pg_rewind finishes a crashed target's recovery itself, in single-user mode, which refuses a data directory that
    /// holds <c>standby.signal</c> ("standby mode is not supported by single-user servers"): a primary its agent guarded
    /// and then lost with its host, or a crashed standby. Such a server is started here read-only, with the guard where
    /// it is, and stopped once it has replayed all of its WAL (<see cref="LocalReplay"/>): it is then "shut down in
    /// recovery", with pg_control naming how far its WAL goes, which pg_rewind takes. Returns that control data (null
    /// when nothing had to be done), or the failure.
    /// </summary>
    private async Task<(ControlData? Recovered, Outcome? Failed)> FinishCrashRecoveryAsync(CancellationToken ct)
    {
        if (plan.Local.ShutDownCleanly || !File.Exists(Path.Combine(local.DataDirectory, StandbyConfiguration.SignalFile)))
        {
            return (null, null);
        }
        var options = ctx.Options;
        ctx.Reporter.Notice($"{ctx.LocalNode} was not shut down cleanly and holds {StandbyConfiguration.SignalFile}: starting it read-only "
            + "to finish its crash recovery (pg_rewind's own, in single-user mode, cannot run in standby mode), then stopping it");
        var started = await local.StartAsync(options.NodeRejoinTimeout, ct);
        if (!started.Succeeded)
        {
            return (null, await FailAsync(ExitCodes.RejoinFailed, "unable to start the server read-only to finish its crash recovery",
                "crash recovery", $"{started.Describe()}\n(see {local.LogFile})"));
        }
        var replayed = await LocalReplay.WaitForEndOfWalAsync(ctx, options.NodeRejoinTimeout, ct);
        var stopped = await local.StopAsync(ShutdownMode.Fast, options.ShutdownCheckTimeout, ct);
        if (replayed is not null)
        {
            return (null, await FailAsync(ExitCodes.RejoinFailed, "the server's crash recovery could not be seen to replay all of its WAL",
                "crash recovery", replayed, RejoinPolicy.RecloneHint));
        }
        if (!stopped.Succeeded)
        {
            return (null, await FailAsync(ExitCodes.RejoinFailed, "unable to stop the server after its crash recovery", "crash recovery", stopped.Describe()));
        }
        var (control, problem) = await new RewindTool(local, ctx.Processes).ReadControlDataAsync(ct);
        return control is not null
            ? (control, null)
            : (null, await FailAsync(ExitCodes.RejoinFailed, "unable to read the control data after the crash recovery", "crash recovery", problem ?? ""));
    }

    private async Task<Outcome?> RecloneAsync(CancellationToken ct)
    {
        ctx.Reporter.Notice($"cloning this node afresh from {primary.Node.Describe()}");
        ctx.Reporter.Detail(plan.Verdict.Reason);
        var source = plan.Source;
        var clone = await new StandbyClone(ctx).RunAsync(new CloneRequest(source.Host ?? "127.0.0.1", source.Port, source.User,
            source.DbName, primary.Node.NodeId, FastCheckpoint: true, DryRun: false, Force: true), ct);
        return clone.Succeeded
            ? null
            : await FailAsync(ExitCodes.RejoinFailed, "re-cloning this node failed", "reclone",
                $"{clone.Error}\nthe node's configuration files are kept in \"{_archive.Directory}\"");
    }

    private async Task ConfigureStandbyAsync(CancellationToken ct)
    {
        var dataDirectory = local.DataDirectory;
        File.Delete(Path.Combine(dataDirectory, "recovery.signal"));
        await StandbyConfiguration.SetAsync(Path.Combine(dataDirectory, StandbyConfiguration.AutoConfFile),
            StaleRecoverySettings.ToDictionary(s => s, _ => (string?)null), ct);
        await StandbyConfiguration.WriteAsync(dataDirectory, plan.Replication, plan.SlotName, ct);
        if (plan.SlotName is { } slot && plan.Verdict is RejoinVerdict.NoRewind)
        {
            await ReplicationSlots.RecreateAsync(primary.Connection, slot, ct);
        }
        await local.Account.ChownAsync(dataDirectory, ct);
    }

    private async Task RecordStandbyAsync(CancellationToken ct)
    {
        var options = ctx.Options;
        var existing = await primary.Store.GetNodeAsync(options.NodeId, ct);
        var record = existing is null
            ? NodeRecords.FromOptions(options, NodeType.Standby, primary.Node.NodeId)
            : existing with { Type = NodeType.Standby, UpstreamNodeId = primary.Node.NodeId, Active = true, SlotName = plan.SlotName ?? existing.SlotName };
        await primary.Store.UpsertNodeAsync(record, ct);
        KnownNodesCache.Save(options, await primary.Store.GetNodesAsync(ct));
        await ctx.Events.RecordAsync(primary.Store, new ClusterEvent(options.NodeId, options.NodeName, "node_rejoin", true,
            $"node {options.NodeId} is now attached to {Target}", primary.Node), ct);
    }

    /// <summary>A former primary kept the slots of the standbys that streamed from it (pg_rewind leaves pg_replslot alone):
    /// those of nodes that no longer follow it would hold WAL forever. Its record and theirs are read after this rejoin.</summary>
    private async Task DropStaleSlotsAsync(CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } server)
        {
            ctx.Reporter.Warning($"unable to connect to the local {ctx.LocalNode} to drop the replication slots no standby uses: {attempt.Error}");
            return;
        }
        await using var _ = server;
        try
        {
            foreach (var slot in await ReplicationSlots.DropStaleAsync(server, await primary.Store.GetNodesAsync(ct), ctx.Options.NodeId, ct))
            {
                ctx.Reporter.Notice($"dropped replication slot \"{slot}\": no standby of {ctx.LocalNode} uses it any more");
            }
        }
        catch (NpgsqlException e) when (!ct.IsCancellationRequested)
        {
            // The node rejoined: a slot left behind is reported (node check says CRITICAL), not a failed rejoin.
            ctx.Reporter.Warning($"unable to drop the replication slots no standby of {ctx.LocalNode} uses: {e.Message}");
        }
    }

    private async Task<Outcome> FailAsync(int exitCode, string error, string phase, string detail, string? hint = null)
    {
        var options = ctx.Options;
        await ctx.Events.RecordAsync(primary.Store, new ClusterEvent(options.NodeId, options.NodeName, "node_rejoin", false,
            $"NODE REJOIN failed in phase \"{phase}\": {error}", primary.Node), CancellationToken.None);
        return Outcome.Fail(exitCode, $"NODE REJOIN failed: {error}", hint: hint, detail: detail);
    }
}
