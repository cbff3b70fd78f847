using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pgward.Agent.Control;
using Pgward.Agent.Fencing;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Failover;
using Pgward.Failover.Messages;

namespace Pgward.Agent.Failover;

/// <summary>
/// The daemon's automatic failover: glue between <see cref="FailoverNode"/> (the decisions) and the world. One loop
/// handles ticks (every <see cref="FailoverOptions.TickInterval"/>), messages from other agents and operator requests,
/// strictly one at a time; a probe task keeps the latest look at the local server; sends go through
/// <see cref="FailoverTransport"/>; slow actions (fence, promote, follow, rejoin) run one at a time on an executor,
/// so heartbeats never wait for them. After each tick the server is brought in line with the decision: a fenced
/// node's writable server is fenced, an acknowledged primary that the guard started read-only is promoted.
/// </summary>
public sealed partial class FailoverDriver(OperationContext ctx, LocalNodeControl control, ILogger logger)
{
    /// <summary>A probe older than this counts as "server not answering": 3 s.</summary>
    private static readonly TimeSpan StaleProbe = TimeSpan.FromSeconds(3);

    /// <summary>How long an operator's promotion may take, election and promotion together: 90 s.</summary>
    private static readonly TimeSpan OperatorTimeout = TimeSpan.FromSeconds(90);

    private readonly Channel<FailoverInput> inbox = Channel.CreateUnbounded<FailoverInput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Func<CancellationToken, Task>> work = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PrimaryGuard guard = new(ctx.Options.DataDirectory);
    private FailoverNode? node;
    private FailoverSetup? setup;
    private FailoverTransport? transport;
    private FailoverActuator? actuator;
    // Written by the probe task, read by the loop and the health checks: one reference, stamped with its time.
    private volatile LocalObservation seen = LocalObservation.Down("not probed yet");
    // Written by the executor when an action ends, read by the loop: volatile (0 = not promoting).
    private long promotingTerm;
    private volatile bool fencing;
    private volatile bool unfencing;
    private volatile bool syncing;
    private string lastFenceReason = "no majority of voters acknowledges this primary";
    private TaskCompletionSource<Outcome>? operatorRequest;
    private int ticks;
    // The last term whose leadership is recorded in the node records (see FailoverActuator.RecordLeadershipAsync).
    private long recordedTerm;
    private volatile bool recording;
    // The loop's lifetime, for work it starts on the side (a detach before a vote).
    private CancellationToken running;
    // FailoverNode.CommitsAllowedUntil in UTC ticks, published by the loop after each input for the commit lease.
    private long commitsAllowedUntil;
    // The local server as last seen running, reported (not running) while it is down: the loop's only.
    private LocalStatus lastRunning = LocalStatus.Unknown;
    // When the agent's own fence last restarted the server read-only (UTC ticks): sightings before it are stale.
    private long restartedAt;
    // The dead-man switch of a data node; null on a witness.
    private DeadManLink? deadMan;

    /// <summary>The latest decision state, for <c>/node</c> and <c>daemon status</c>; null while failover is off.</summary>
    public FailoverStatus? Status { get; private set; }

    /// <summary>Why failover is off on this node, or null when it runs.</summary>
    public string? DisabledReason { get; private set; } = "starting";

    /// <summary>Whether the local server is a primary that must not take writes (for <c>/primary</c>): fenced, or, with the
    /// commit lease, while its lease has lapsed and the fence waits for a majority (its commits are held meanwhile).</summary>
    public bool LocalFenced => node is not null && seen.Running && (!seen.InRecovery || seen.Guarded)
        && (Status is { Fenced: true } || (Status is { IsLeader: true } && setup!.Options.CommitLease
            && ctx.Time.GetUtcNow() >= CommitsAllowedUntil));

    /// <summary>The loop's latest <see cref="FailoverNode.CommitsAllowedUntil"/>, readable from any thread.</summary>
    private DateTimeOffset CommitsAllowedUntil => new(Interlocked.Read(ref commitsAllowedUntil), TimeSpan.Zero);

    /// <summary>Whether this node is a witness that votes (it holds no data); a witness that does not vote runs no failover.</summary>
    public bool IsWitness => setup?.Profile.IsWitness == true;

    /// <summary>Hands a message from another agent to the loop; false when failover is off here for good (a witness
    /// that does not vote, for one), and the message is dropped.</summary>
    public bool Deliver(int from, FailoverMessage message) => inbox.Writer.TryWrite(new FailoverInput.Message(from, message));

    /// <summary>The local primary was stopped cleanly through the agent (a switchover): release its lease.</summary>
    public void ReleaseLease()
    {
        if (node is not null)
        {
            inbox.Writer.TryWrite(new FailoverInput.Release());
        }
    }

    /// <summary>
    /// Promotes the local standby through an election (a switchover's or an operator's promotion); null when failover
    /// is off here, and the caller promotes directly.
    /// </summary>
    public async Task<Outcome?> PromoteOnRequestAsync(CancellationToken ct)
    {
        if (node is null)
        {
            return null;
        }
        var done = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.Writer.TryWrite(new FailoverInput.PromoteRequest(done));
        try
        {
            return await done.Task.WaitAsync(OperatorTimeout, ctx.Time, ct);
        }
        catch (TimeoutException)
        {
            return Outcome.Fail(ExitCodes.PromotionFailed, $"no election result within {OperatorTimeout.TotalSeconds:0} s",
                hint: "see the agent's log and pgward daemon status");
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        if (await SetUpAsync(ct) is not { } ready)
        {
            // Nobody reads the inbox any more: refuse what an agent that counts this node as a voter still sends.
            inbox.Writer.TryComplete();
            return;
        }
        setup = ready;
        await using var probe = new FailoverProbe(ctx.Db, ctx.Options.Conninfo, guard);
        await using var sender = new FailoverTransport(ctx.Options.NodeId,
            ready.Voters.Where(v => v.NodeId != ctx.Options.NodeId).ToDictionary(v => v.NodeId, v => v.AgentUrl!),
            ctx.Options.AgentToken, ctx.Time, logger);
        transport = sender;
        var events = new EventQueue(new AgentEvents(ctx));
        actuator = new FailoverActuator(ctx, control, guard, events, logger);
        using var link = ready.Profile.IsWitness ? null : DeadManLink.Attach(ctx, logger);
        deadMan = link;
        await ObserveAsync(probe, ct);
        if (!ready.Profile.IsWitness && await StartHandedOverAsync(ct))
        {
            await ObserveAsync(probe, ct);
        }
        var now = ctx.Time.GetUtcNow();
        var created = new FailoverNode(ready.Profile, [.. ready.Voters.Select(v => v.NodeId)], ready.Options,
            AgentAgreementStore.For(ctx.Options, ctx.Time), new Random(), now);
        if (!ready.Profile.IsWitness && seen.Writable)
        {
            // A deadline left armed means an agent guarded this primary until it died: no longer than that without a
            // majority. None means no agent guarded it (just turned on, or detached): it stays as writable as it was.
            if (link?.PreviousDeadline(now) is { } previous)
            {
                created.AssumeWritable(now, previous);
            }
            else
            {
                created.AssumeUnguarded();
            }
            guard.Set();
        }
        node = created;
        // A first tick before any message: a vote request must not find the node without its local state.
        Handle(new FailoverInput.Tick());
        Status = created.Status;
        DisabledReason = null;
        if (ready.Options.UnsafeFaults != SafetyFaults.None)
        {
            FailoverLog.Unsafe(logger, ready.Options.UnsafeFaults.ToString());
        }
        FailoverLog.Started(logger, string.Join(",", ready.Voters.Select(v => v.NodeId)), Status.Term, Status.PrimaryId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown");

        // Not linked to ct: when the agent is told to stop, the loops and the transport outlive it for the handover.
        using var stop = new CancellationTokenSource();
        running = stop.Token;
        var tasks = new List<Task>
        {
            ProbeLoopAsync(probe, stop.Token), TickLoopAsync(ready.Options.TickInterval, stop.Token), ExecuteLoopAsync(stop.Token), events.RunAsync(stop.Token),
        };
        tasks.Add(AgentUrls.RefreshAsync(ctx, sender, ready.Voters, logger, stop.Token));
        if (link is not null)
        {
            tasks.Add(link.SuperviseAsync(stop.Token));
        }
        if (UsesCommitLease(ready))
        {
            var syncModeSetting = SyncStandbys.Setting(SyncStandbys.Names(ready.Voters, ctx.Options.NodeId), ready.SyncStandbyCount);
            var lease = new CommitLease(ctx, () => CommitsAllowedUntil, () => seen,
                syncModeSetting, logger);
            tasks.Add(lease.RunAsync(stop.Token));
        }
        try
        {
            await foreach (var input in inbox.Reader.ReadAllAsync(ct))
            {
                Handle(input);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The transport and the other loops still run: a primary hands its role over before they stop.
            await LeaveAsync(stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(tasks);
        }
        if (link is not null)
        {
            await link.WaitForExitAsync(CancellationToken.None);
        }
        operatorRequest?.TrySetResult(Outcome.Fail(ExitCodes.AgentUnavailable, "the agent is stopping"));
    }

    /// <summary><c>commit_lease</c> on a data node in async mode; in sync mode the standbys hold commits back.</summary>
    private static bool UsesCommitLease(FailoverSetup ready) => ready.Options.CommitLease && !ready.Profile.IsWitness;

    private async Task<FailoverSetup?> SetUpAsync(CancellationToken ct)
    {
        using var retry = new PeriodicTimer(TimeSpan.FromSeconds(1), ctx.Time);
        do
        {
            var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
            if (source is null)
            {
                DisabledReason = $"waiting for the cluster metadata: {outcome.Error}";
                continue;
            }
            var nodes = await AgentUrls.CorrectOwnAsync(ctx, source.Nodes, logger, ct);
            var (ready, problem) = FailoverSetup.From(ctx.Options, nodes, Environment.GetEnvironmentVariable(SafetyFaultNames.Variable));
            if (ready is null)
            {
                DisabledReason = problem;
                FailoverLog.Disabled(logger, problem!);
                return null;
            }
            Bootstrap(ready);
            return ready;
        }
        while (await Ticks.NextAsync(retry, ct));
        return null;
    }

    // A voter that never took part starts in term 1 with the registered primary as its primary, as every voter does.
    private void Bootstrap(FailoverSetup ready)
    {
        var store = AgentAgreementStore.For(ctx.Options, ctx.Time);
        if (store.Load().CurrentTerm == 0)
        {
            store.Save(new VoterState(1, null, ready.PrimaryId));
        }
    }

    private async Task ObserveAsync(FailoverProbe probe, CancellationToken ct)
    {
        seen = await probe.ReadAsync(ct) with { At = ctx.Time.GetUtcNow() };
    }

    private async Task ProbeLoopAsync(FailoverProbe probe, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(setup!.Options.TickInterval, ctx.Time);
        while (await Ticks.NextAsync(timer, ct))
        {
            await ObserveAsync(probe, ct);
        }
    }

    private async Task TickLoopAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval, ctx.Time);
        while (await Ticks.NextAsync(timer, ct))
        {
            inbox.Writer.TryWrite(new FailoverInput.Tick());
        }
    }

    private async Task ExecuteLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var job in work.Reader.ReadAllAsync(ct))
            {
                try
                {
                    await job(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed action is logged and the loop goes on: the next tick decides again.
                    FailoverLog.Failed(logger, "failover action", e.ToString());
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Run(Func<CancellationToken, Task> job) => work.Writer.TryWrite(job);
}
