using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pgward.Agent.Control;
using Pgward.Agent.Fencing;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Failover;
using Pgward.Failover.Agreement;
using Pgward.Core.Supervision;
using Pgward.Failover.Messages;

namespace Pgward.Agent.Failover;

/// <summary>
/// The daemon's automatic failover: glue between <see cref="FailoverNode"/> (the decisions) and the world. Ticks (every
/// <see cref="FailoverOptions.TickInterval"/>), messages from other agents and operator requests are handled strictly one
/// at a time, under one lock, on the thread that brings them (see <see cref="Input"/>); a probe task keeps the latest
/// look at the local server, taken just before each tick; sends go through <see cref="FailoverTransport"/>; slow actions
/// (fence, promote, follow, rejoin) run one at a time on an executor, so heartbeats never wait for them. After each tick
/// the server is brought in line with the decision: a fenced node's writable server is fenced, an acknowledged primary
/// that the guard started read-only is promoted.
/// </summary>
public sealed partial class FailoverDriver(OperationContext ctx, LocalNodeControl control, IAgreementStore votes, LoopSupervisor loops, ILogger logger)
{
    /// <summary>The logger of the commit lease and the dead-man switch (subsystem <c>lease</c>); null: the driver's own.</summary>
    public ILogger? LeaseLogger { get; init; }

    /// <summary>How long a promotion request waits for a look at the server taken after it: 1 s (a look takes one
    /// query; the probe runs every tick).</summary>
    private static readonly TimeSpan FreshLookTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FreshLookPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>How long a request that brought a heartbeat waits for the loop's reply to carry back, when the heartbeat
    /// went through the inbox (the loop starting or stopping; once it runs, the reply is ready when the heartbeat has been
    /// handled, see <see cref="Input"/>): 100 ms. The loop handles a message in microseconds; one further behind than
    /// this sends its reply as a message of its own, at the moment it would have anyway, so no reply comes later than
    /// before. Short of any heartbeat interval in use, so a sender held up by it still sends every heartbeat.</summary>
    private static readonly TimeSpan InlineReplyWait = TimeSpan.FromMilliseconds(100);

    /// <summary>A probe older than this counts as "server not answering": 3 s.</summary>
    private static readonly TimeSpan StaleProbe = TimeSpan.FromSeconds(3);

    /// <summary>How long an operator's promotion may take, election and promotion together: 90 s.</summary>
    private static readonly TimeSpan OperatorTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How many inputs may wait for the loop: it handles one in microseconds, so only a loop that stopped
    /// fills this, and then what comes is refused (a message is best effort; an operator's request fails at once).</summary>
    internal const int InboxCapacity = 1024;

    /// <summary>How many actions may wait for the executor; each correction is queued once until it finishes.</summary>
    private const int WorkCapacity = 64;

    // TryWrite on a full bounded channel in Wait mode refuses the newest input instead of growing without a reader.
    private readonly Channel<FailoverInput> inbox = Channel.CreateBounded<FailoverInput>(
        new BoundedChannelOptions(InboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<Func<CancellationToken, Task>> work = Channel.CreateBounded<Func<CancellationToken, Task>>(
        new BoundedChannelOptions(WorkCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    // The detaches before a vote (DetachThenSendAsync), which run beside the loop: awaited before the transport goes.
    private readonly List<Task> detaching = [];
    // The automatic rejoins under way (RejoinAsync), their retries included; end with the loops.
    private Task rejoining = Task.CompletedTask;
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
    // Wakes the commit lease, which sleeps until its end, when that moved or the server changed (CommitLeaseWake);
    // leaseWasOpen is the loop's only.
    private readonly WakeSignal leaseWake = new();
    private bool leaseWasOpen;
    // The local server as last seen running, reported (not running) while it is down: the loop's only.
    private LocalStatus lastRunning = LocalStatus.Unknown;
    // When the agent's own fence last restarted the server read-only (UTC ticks): sightings before it are stale.
    private long restartedAt;
    // The dead-man switch of a data node; null on a witness.
    private DeadManLink? deadMan;

    /// <summary>The latest decision state, for <c>/node</c> and <c>daemon status</c>; null while failover is off.</summary>
    public FailoverStatus? Status { get; private set; }

    /// <summary>Elections, promotions and heartbeats counted for <c>/metrics</c>.</summary>
    public FailoverCounts Counts { get; } = new();

    /// <summary>Whether the commit lease lets the local primary take commits now; null where no lease runs (failover off,
    /// a witness, <c>commit_lease = off</c>, sync mode's standbys hold commits instead).</summary>
    public bool? CommitLeaseOpen => setup is { } ready && node is not null && UsesCommitLease(ready)
        ? ctx.Time.GetUtcNow() < CommitsAllowedUntil
        : null;

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

    /// <summary>Hands a message from another agent to the decisions (<see cref="Input"/>); false, and the message is
    /// dropped, when failover is off here for good (a witness that does not vote, for one) or the inbox is full (the loop
    /// is still setting up, or stopping). Messages that arrive during the setup wait for its first tick, as many as the
    /// inbox holds. Messages are best effort: heartbeats repeat and elections retry.</summary>
    public bool Deliver(int from, FailoverMessage message) => Input(new FailoverInput.Message(from, message));

    // Held while an input is handled, wherever: the decisions and the loop's own state see one input at a time.
    private readonly Lock handling = new();
    // Set (under the lock) once the loop runs and the inputs buffered during its setup are handled; cleared (under the
    // lock) when it stops, before a handover reads the inbox itself, and when an input's handling failed.
    private volatile bool inline;
    // The supervisor's "not stuck" for the failover loop, called after every input handled, wherever.
    private Action beat = () => { };

    /// <summary>
    /// Handles <paramref name="input"/> at once, on the caller's thread, under <see cref="handling"/>, while the loop runs;
    /// queues it for the loop otherwise (during its setup, while it stops, hands over or failed). False when it could be
    /// neither handled nor queued.
    /// <para>Why not always through the inbox: on an idle node each hop to the loop cost pool threads waking each other
    /// for nothing, two or three context switches per input, and the agent's idle CPU follows its context switches
    /// (about 37 µs each on a 2-core VM; BENCHMARKS.md, issue 17). Handled where it arrives, a heartbeat's reply is also
    /// ready before its request asks for it (<see cref="InlineReply"/> then does not wait).</para>
    /// <para>An input whose handling throws fails the loop as it did in the loop: the inbox is completed with the exception,
    /// which the loop then throws (<see cref="LoopFaultPolicy.StopProcess"/>).</para>
    /// </summary>
    private bool Input(FailoverInput input)
    {
        // Not from within a handling (nothing sends to itself today, and the lock, reentrant, would let this thread in).
        if (inline && !handling.IsHeldByCurrentThread)
        {
            lock (handling)
            {
                // Nor once another loop failed for good: the agent then stops without acting on decisions it may not trust.
                if (inline && !loops.Fatal.IsCancellationRequested)
                {
                    try
                    {
                        Handle(input);
                    }
                    catch (Exception e)
                    {
                        inline = false;
                        inbox.Writer.TryComplete(e);
                        return false;
                    }
                    beat();
                    return true;
                }
            }
        }
        return inbox.Writer.TryWrite(input);
    }

    /// <summary>From now on inputs are handled where they arrive: first those that waited in the inbox during the setup, in
    /// their order.</summary>
    private void StartInline()
    {
        lock (handling)
        {
            while (inbox.Reader.TryRead(out var waiting))
            {
                Handle(waiting);
            }
            inline = true;
        }
        beat();
    }

    /// <summary>From now on inputs go to the inbox: none is being handled when this returns.</summary>
    private void StopInline()
    {
        lock (handling)
        {
            inline = false;
        }
    }

    /// <summary>
    /// Hands a message to the loop as <see cref="Deliver"/> does, and waits up to <see cref="InlineReplyWait"/> for the
    /// loop's heartbeat reply to it, which the request that brought the message then carries back in its response
    /// (<see cref="FailoverTransport.InlineReplyHeader"/>). Why: a heartbeat and its reply as one HTTPS request instead
    /// of two halves the requests between idle agents (BENCHMARKS.md, issue 17). Null for the reply when there is none
    /// (the message needs none, or the loop is behind: then its reply goes as a message of its own, when it handles it,
    /// as before); <c>Accepted</c> false as for <see cref="Deliver"/>.
    /// </summary>
    public async Task<(bool Accepted, FailoverEnvelope? Reply)> DeliverForReplyAsync(int from, FailoverMessage message, CancellationToken ct)
    {
        var reply = new InlineReply();
        if (!Input(new FailoverInput.Message(from, message, reply)))
        {
            return (false, null);
        }
        return (true, await reply.WaitAsync(InlineReplyWait, ctx.Time, ct) is { } answer ? new FailoverEnvelope(ctx.Options.NodeId, answer) : null);
    }

    /// <summary>
    /// The local primary was stopped cleanly through the agent (a switchover): release its lease. A look first, and a
    /// tick on it: the successor's vote request follows the release within milliseconds, and decisions that still took the
    /// server for a running primary then asked for an automatic rejoin beside the switchover's own (a steady leader's
    /// last look is up to 300 ms old). That rejoin failed, for the successor was not promoted yet, and its retry held the
    /// agent's actions for 5 s: a switchover back to this node waited 7 s for its promotion (bench/switchover.sh).
    /// </summary>
    public async Task ReleaseLeaseAsync(CancellationToken ct)
    {
        if (node is null)
        {
            return;
        }
        await LookAfterNowAsync(ct);
        Input(new FailoverInput.Tick());
        Input(new FailoverInput.Release());
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
        // The candidacy carries this node's position, from the loop's latest look at the server: a switchover asks
        // right after the candidate received the old primary's shutdown checkpoint, and a look taken before that made
        // the candidate "behind" voters that had received it. Wait for a look taken after the request (asked for at once:
        // the probe's next tick is up to a tick interval away, all of it in a switchover's write gap), then a tick
        // hands it to the decisions before the request does.
        await LookAfterNowAsync(ct);
        Input(new FailoverInput.Tick());
        var done = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Input(new FailoverInput.PromoteRequest(done)))
        {
            return Outcome.Fail(ExitCodes.PromotionFailed, "the failover loop is not taking requests (stopping, or behind)",
                hint: "see the agent's log and pgward daemon status");
        }
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

    /// <summary>Runs automatic failover until <paramref name="ct"/> is cancelled (a primary then hands its role over),
    /// or until a loop of the agent failed for good (<see cref="LoopSupervisor.Fatal"/>: no handover, the agent stops).
    /// Returns at once when failover cannot run here (<see cref="DisabledReason"/>).</summary>
    /// <param name="beat">Called after every input handled, in the loop or where it arrived (<see cref="Input"/>): the
    /// loop is not stuck.</param>
    public async Task RunAsync(Action beat, CancellationToken ct)
    {
        this.beat = beat;
        if (await SetUpAsync(beat, ct) is not { } ready)
        {
            // Nobody reads the inbox any more: refuse what an agent that counts this node as a voter still sends.
            inbox.Writer.TryComplete();
            return;
        }
        setup = ready;
        await using var probe = new FailoverProbe(ctx.Db, ctx.Options.Conninfo, guard, logger);
        await using var sender = new FailoverTransport(ctx.Options,
            ready.Voters.Where(v => v.NodeId != ctx.Options.NodeId).ToDictionary(v => v.NodeId, v => v.AgentUrl!),
            ctx.Time, loops, logger, received: Deliver);
        transport = sender;
        var events = new EventQueue(new AgentEvents(ctx).RecordAsync, logger);
        actuator = new FailoverActuator(ctx, control, guard, events, logger);
        using var link = ready.Profile.IsWitness ? null : DeadManLink.Attach(ctx, LeaseLogger ?? logger);
        deadMan = link;
        await ObserveAsync(probe, ct);
        if (!ready.Profile.IsWitness && await StartHandedOverAsync(ct))
        {
            await ObserveAsync(probe, ct);
        }
        var now = ctx.Time.GetUtcNow();
        var created = new FailoverNode(ready.Profile, [.. ready.Voters.Select(v => v.NodeId)], ready.Options,
            votes, new Random(), now);
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

        using var watch = ready.Profile.IsWitness ? null : new SignalWatch(ctx.Options.DataDirectory, DisturbTicks, logger);
        signalWatch = watch;

        // Not linked to ct: when the agent is told to stop, the loops and the transport outlive it for the handover.
        using var stop = new CancellationTokenSource();
        running = stop.Token;
        // Each loop beside the decisions, with what its fault does (see AgentLoops). They rebuild their state when they
        // start again, or keep none, so they restart; the dead-man supervision stops the agent.
        var tasks = new List<Task>
        {
            loops.RunAsync(AgentLoops.FailoverProbe, token => ProbeLoopAsync(probe, token), stop.Token),
            loops.RunAsync(AgentLoops.FailoverTick, token => TickLoopAsync(ready.Options.TickInterval, token), stop.Token),
            loops.RunAsync(AgentLoops.FailoverExecutor, ExecuteLoopAsync, stop.Token),
            loops.RunAsync(AgentLoops.EventWriter, events.RunAsync, stop.Token),
            loops.RunAsync(AgentLoops.AgentUrlRefresh, token => AgentUrls.RefreshAsync(ctx, sender, ready.Voters, logger, token), stop.Token),
        };
        if (link is not null)
        {
            tasks.Add(loops.RunAsync(AgentLoops.DeadManSupervision, link.SuperviseAsync, stop.Token));
        }
        if (UsesCommitLease(ready))
        {
            var syncModeSetting = SyncStandbys.Setting(SyncStandbys.Names(ready.Voters, ctx.Options.NodeId), ready.SyncStandbyCount);
            var lease = new CommitLease(ctx, () => CommitsAllowedUntil, () => seen,
                syncModeSetting, leaseWake, LeaseLogger ?? logger);
            tasks.Add(loops.RunAsync(AgentLoops.CommitLease, lease.RunAsync, stop.Token));
        }
        using var halt = CancellationTokenSource.CreateLinkedTokenSource(ct, loops.Fatal);
        try
        {
            StartInline();
            // What still comes through the inbox: an input that arrived as the loop started, and what an input's own
            // handling could not handle at once.
            await foreach (var input in inbox.Reader.ReadAllAsync(halt.Token))
            {
                lock (handling)
                {
                    Handle(input);
                }
                beat();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !loops.Fatal.IsCancellationRequested)
        {
            // The transport and the other loops still run: a primary hands its role over before they stop, reading
            // the inbox itself.
            StopInline();
            await LeaveAsync(stop.Token);
        }
        catch (OperationCanceledException) when (loops.Fatal.IsCancellationRequested)
        {
            // Another loop failed for good: the agent stops without acting on decisions it may no longer trust.
        }
        finally
        {
            StopInline();
            inbox.Writer.TryComplete();
            await stop.CancelAsync();
            await Task.WhenAll(tasks);
            await DetachesEndedAsync();
            await rejoining;
        }
        if (link is not null && !loops.Fatal.IsCancellationRequested)
        {
            await link.WaitForExitAsync(CancellationToken.None);
        }
        operatorRequest?.TrySetResult(Outcome.Fail(ExitCodes.AgentUnavailable, "the agent is stopping"));
    }

    /// <summary><c>commit_lease</c> on a data node in async mode; in sync mode the standbys hold commits back.</summary>
    private static bool UsesCommitLease(FailoverSetup ready) => ready.Options.CommitLease && !ready.Profile.IsWitness;

    private async Task<FailoverSetup?> SetUpAsync(Action beat, CancellationToken ct)
    {
        using var retry = new PeriodicTimer(TimeSpan.FromSeconds(1), ctx.Time);
        do
        {
            beat();
            var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
            if (source is null)
            {
                DisabledReason = $"waiting for the cluster metadata: {outcome.Error}";
                continue;
            }
            IReadOnlyList<Core.Metadata.NodeRecord> nodes;
            try
            {
                nodes = await AgentUrls.CorrectOwnAsync(ctx, source.Nodes, logger, ct);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
            {
                // The primary went away between the read and the write: try again, as for the metadata.
                DisabledReason = $"waiting to correct this agent's URL in its record: {e.Message}";
                continue;
            }
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
        if (votes.Load().CurrentTerm == 0)
        {
            votes.Save(new VoterState(1, null, ready.PrimaryId));
        }
    }

    /// <summary>Asks the probe loop for a look out of turn and waits (up to <see cref="FreshLookTimeout"/>) until one taken
    /// after this call is in <see cref="seen"/>.</summary>
    private async Task LookAfterNowAsync(CancellationToken ct)
    {
        var asked = ctx.Time.GetUtcNow();
        looks.Writer.TryWrite(false);
        await Waiting.UntilAsync(_ => Task.FromResult(seen.At > asked), FreshLookTimeout, FreshLookPoll, ctx.Time, ct);
    }

    private async Task ObserveAsync(FailoverProbe probe, CancellationToken ct)
    {
        var before = seen;
        var now = await probe.ReadAsync(ct) with { At = ctx.Time.GetUtcNow() };
        seen = now;
        lock (tickGate)
        {
            if (cadence.Looked(now.SameAs(before)))
            {
                TicksAtEveryInterval();
            }
        }
        if (now.Writable != before.Writable || now.SynchronousStandbyNames != before.SynchronousStandbyNames)
        {
            leaseWake.Set(); // what the commit lease waits for besides its own end
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

    /// <summary>Queues an action for the executor; false when its queue is full (the executor is stuck on a slow action):
    /// the action is dropped and the next tick decides again.</summary>
    private bool Run(Func<CancellationToken, Task> job, string what)
    {
        if (work.Writer.TryWrite(job))
        {
            return true;
        }
        FailoverLog.Failed(logger, what, $"{WorkCapacity} actions already wait for the executor; the next tick decides again");
        return false;
    }
}
