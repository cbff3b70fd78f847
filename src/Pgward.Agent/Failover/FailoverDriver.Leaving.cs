using Pgward.Cluster.Agents;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Failover;

/// <summary>
/// What the agent does with its server when it stops (<c>daemon stop</c>, SIGTERM, Ctrl-C). Without its agent a primary
/// cannot be fenced, so a primary's agent never simply walks away from a writable server:
/// <list type="bullet">
/// <item>it hands the primary role over: a CHECKPOINT, a fast stop, the lease released, and the best standby elected at
/// once with everything the old primary wrote; the old primary stays stopped, guarded, until its agent runs again;</item>
/// <item>while the cluster is paused (or failover is manual, or no standby could take over) it detaches instead: the server keeps running,
/// writable, with nothing of pgward's in its commit path, and nothing fences it until its agent runs again;</item>
/// <item>when it cannot do either, its dead-man switch stops the server at the lease's end.</item>
/// </list>
/// A standby's or a witness's agent just stops: its switch ends, its server runs on.
/// </summary>
public sealed partial class FailoverDriver
{
    /// <summary>How long a handing-over agent waits to hear its successor: 10 s.</summary>
    private static readonly TimeSpan SuccessorWait = TimeSpan.FromSeconds(10);

    /// <summary>How long the stop of a handing-over primary may take, CHECKPOINT included: 60 s.</summary>
    private static readonly TimeSpan HandOverStopTimeout = TimeSpan.FromSeconds(60);

    // Set by LeaveAsync: the loop then only answers other agents and takes no action of its own.
    private bool leaving;

    private async Task LeaveAsync(CancellationToken ct)
    {
        leaving = true;
        if (deadMan is null || node is null)
        {
            return;
        }
        var status = node.Status;
        var current = seen;
        if (!current.Writable)
        {
            deadMan.Release();
            return;
        }
        if (status is not { IsLeader: true, Fenced: false })
        {
            // A writable server that may not take writes: its switch already holds a past deadline and stops it.
            FailoverLog.Decided(logger, "agent stopping beside a writable server that no majority acknowledges: the dead-man switch stops it");
            return;
        }
        var why = status.Paused ? "the cluster is paused"
            : ctx.Options.Failover != Core.Config.FailoverMode.Automatic ? "failover is manual, so no standby takes over by itself"
            : Successors().Count == 0 ? "no standby could take over"
            : null;
        if (why is not null)
        {
            await DetachAsync(why, current, ct);
            return;
        }
        await HandOverAsync(status.Term, ct);
    }

    /// <summary>The standbys that could be elected in this node's place: active data nodes with a priority.</summary>
    private List<NodeRecord> Successors() =>
        [.. setup!.Voters.Where(v => v.NodeId != ctx.Options.NodeId && v.Type != NodeType.Witness && v.Active && v.Priority > 0)];

    private async Task HandOverAsync(long term, CancellationToken ct)
    {
        FailoverLog.HandingOver(logger, term);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(HandOverStopTimeout);
        // Before the stop: whatever starts this server again, before its agent is back, starts it read-only.
        guard.SetHandedOver();
        var stopped = await control.StopAsync(new StopRequest(Checkpoint: true), bounded.Token);
        if (!stopped.Ok)
        {
            FailoverLog.Failed(logger, "the handover's stop", (stopped.Error ?? "") + "; the dead-man switch stops the server at the lease's end");
            return;
        }
        deadMan!.Release();
        inbox.Writer.TryWrite(new FailoverInput.Release(ElectNow: true));
        // The stop queued the lease's release, and this one tells the standbys to stand at once: handle them, and the
        // successor's election, until a newer primary speaks.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(SuccessorWait);
        try
        {
            while (node!.Status is var now && (now.Term <= term || now.PrimaryId is null || now.PrimaryId == ctx.Options.NodeId))
            {
                Handle(await inbox.Reader.ReadAsync(wait.Token));
            }
            FailoverLog.HandedOver(logger, node.Status.PrimaryId, node.Status.Term);
        }
        catch (OperationCanceledException)
        {
            FailoverLog.Failed(logger, "handover", $"no successor heard within {SuccessorWait.TotalSeconds:0} s; the server stays stopped (guarded)");
        }
    }

    /// <summary>Leaves the server running and writable without its agent: the commit lease out of its
    /// <c>synchronous_standby_names</c> (or every commit would wait for an agent that is gone), the guard removed (a
    /// restart brings it up writable), the switch ended.</summary>
    private async Task DetachAsync(string why, LocalObservation current, CancellationToken ct)
    {
        try
        {
            if (current.SynchronousStandbyNames == CommitLeaseStandby.Name)
            {
                await SyncStandbys.SetAsync(ctx.Db, ctx.Options.Conninfo, "", ct);
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            FailoverLog.Failed(logger, "resetting synchronous_standby_names", e.Message);
        }
        guard.Clear();
        deadMan!.Release();
        FailoverLog.Detached(logger, why);
    }

    /// <summary>Starts, read-only, a server that this node's agent stopped for a handover or its dead-man switch stopped:
    /// it then rejoins the new primary as a standby, or is promoted again if nobody replaced it. True when it started.</summary>
    private async Task<bool> StartHandedOverAsync(CancellationToken ct)
    {
        var handedOver = guard.HandedOver;
        if (seen.Running || !(handedOver || deadMan is { StoppedServer: true } && guard.IsSet))
        {
            return false;
        }
        var why = handedOver ? "its agent stopped it for a handover" : "the dead-man switch stopped it";
        FailoverLog.Decided(logger, $"starting the server, read-only (the guard): {why}");
        var started = await control.StartAsync(ct);
        if (!started.Ok)
        {
            FailoverLog.Failed(logger, "starting the server", started.Error ?? "");
            return false;
        }
        deadMan?.ServerRestarted();
        return true;
    }
}
