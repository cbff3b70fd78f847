using Microsoft.Extensions.Time.Testing;
using Pgward.Failover;
using Pgward.Failover.Actions;
using Pgward.Failover.Agreement;

namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>
/// A cluster of <see cref="FailoverNode"/>s over a simulated network and PostgreSQL model, driven in 10 ms steps
/// of a fake clock. Safety invariants are checked at every step and every promotion; violations are collected.
/// </summary>
public sealed partial class SimCluster
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private const ulong StartLsn = 0x3000000;

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Epoch);
    private readonly Random random;
    private readonly int seed;
    private readonly PauseFlag pause = new();
    private readonly List<int> voterIds;

    public SimCluster(SimSettings settings, int seed)
    {
        Settings = settings;
        this.seed = seed;
        random = new Random(seed);
        Network = new SimNetwork(settings, new Random(seed ^ 0x5eed));
        voterIds = Enumerable.Range(1, settings.VoterCount).ToList();
        foreach (var id in voterIds)
        {
            var store = new InMemoryAgreementStore(pause);
            store.Save(new VoterState(1, null, 1));
            var node = new SimNode(settings.Profile(id), store)
            {
                ClockRate = 1 + (random.NextDouble() * 2 - 1) * settings.ClockDrift,
            };
            node.Postgres.IsPrimary = id == 1;
            node.LedTerm = id == 1 ? 1 : 0;
            node.Postgres.UpstreamId = id == 1 || node.Profile.IsWitness ? null : 1;
            node.Postgres.Lsn = StartLsn;
            Nodes.Add(node);
            StartAgent(node);
        }
    }

    public SimSettings Settings { get; }
    public SimNetwork Network { get; }
    public List<SimNode> Nodes { get; } = [];
    public DateTimeOffset Now => time.GetUtcNow();
    public TimeSpan Elapsed => Now - Epoch;

    /// <summary>The time on <paramref name="node"/>'s own clock, which may run fast or slow.</summary>
    public DateTimeOffset LocalNow(SimNode node) => Epoch + Elapsed * node.ClockRate;
    public List<string> Violations { get; } = [];
    public List<string> Log { get; } = [];
    public List<(TimeSpan At, int Node, long Term)> Promotions { get; } = [];
    public List<(TimeSpan At, int Node, string Reason)> Refusals { get; } = [];

    /// <summary>The highest commit LSN any primary acknowledged to a client.</summary>
    public ulong AckedCommitLsn { get; private set; }

    public SimNode Node(int id) => Nodes[id - 1];

    public int? WritablePrimary => Nodes.FirstOrDefault(AcknowledgesSyncCommits)?.Id;

    /// <summary>When a stopping agent handed which node's primary role over (<see cref="StopAgent"/>).</summary>
    public List<(TimeSpan At, int Node)> HandOvers { get; } = [];

    /// <summary>When the dead-man switch stopped which node's server, and whether its agent was gone then.</summary>
    public List<(TimeSpan At, int Node, bool AgentGone)> SwitchStops { get; } = [];

    /// <summary>Whether the node's PostgreSQL acknowledges commits that wait for a synchronous standby
    /// (<c>synchronous_commit = on</c>, the default) now: writable, and with the commit lease
    /// (<see cref="FailoverOptions.CommitLease"/>, async mode) only while its agent runs and its lease is open on its
    /// own clock. A writable primary whose lease lapsed holds these commits.</summary>
    public bool AcknowledgesSyncCommits(SimNode node) =>
        node.Writable && (!LeaseGated || (node.AgentRuns && node.Agent is { } agent && LocalNow(node) < agent.CommitsAllowedUntil));

    /// <summary>Whether the node's PostgreSQL acknowledges commits that wait for no standby
    /// (<c>synchronous_commit = local</c> or <c>off</c>) now: whenever it runs writable, lease or no lease.</summary>
    public static bool AcknowledgesLocalCommits(SimNode node) => node.Writable;

    private bool LeaseGated => Settings.Options.CommitLease && Settings.Options.ReplicationMode == ReplicationMode.Async;

    public void RunFor(TimeSpan duration)
    {
        var end = Now + duration;
        while (Now < end)
        {
            StepOnce();
        }
    }

    /// <summary>Runs until the condition holds or the time is up; returns whether it held.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        var end = Now + limit;
        while (Now < end)
        {
            StepOnce();
            if (condition())
            {
                return true;
            }
        }

        return false;
    }

    private void StepOnce()
    {
        time.Advance(Step);
        var now = Now;
        foreach (var message in Network.Due(now).ToList())
        {
            Deliver(message, now);
        }

        foreach (var node in Nodes.Where(node => node.AgentRuns && now >= node.NextTick))
        {
            TickAgent(node, now);
        }

        foreach (var node in Nodes)
        {
            EndHandOver(node);
        }

        foreach (var node in Nodes)
        {
            RunSwitch(node);
        }

        RunPostgres(now);
        SnapshotWhileWritable();
        CheckOneNodeAcknowledgesSyncCommits();
        CheckOneNodeAcknowledgesLocalCommits();
        CheckOneCommitLease();
        CheckFenceOnTime();
    }

    private void TickAgent(SimNode node, DateTimeOffset now)
    {
        StartAfterSwitch(node);
        Apply(node, node.Agent!.Tick(LocalNow(node), node.Local), now);
        ReconcileAfterTick(node);
        // As the agent does: a steady leader once per heartbeat, everything else at every tick interval.
        node.NextTick = now + node.Agent.NextTickWithin(LocalNow(node)) / node.ClockRate;
    }

    private void StartAgent(SimNode node)
    {
        node.Agent = new FailoverNode(
            node.Profile, voterIds, Settings.Options, node.Store, new Random(seed * 7919 + node.Id + Log.Count), LocalNow(node));
        node.NextTick = Now + TimeSpan.FromMilliseconds(random.Next(0, 100));
    }

    private void Apply(SimNode node, IReadOnlyList<FailoverAction> actions, DateTimeOffset now)
    {
        // A leaving agent only answers other agents (FailoverDriver.Dispatch while leaving).
        foreach (var action in node.LeavingUntil is null ? actions : actions.Where(a => a is Send or DetachThenSend))
        {
            switch (action)
            {
                case Send send:
                    Network.Send(new AgentMessage(node.Id, send.To, send.Message), now);
                    break;
                case DetachThenSend detach:
                    if (!node.Postgres.IsPrimary)
                    {
                        node.Postgres.UpstreamId = null;
                    }
                    Network.Send(new AgentMessage(node.Id, detach.To, detach.Reply), now);
                    break;
                case Promote promote:
                    PromotePostgres(node, promote.Term);
                    break;
                case Fence fence:
                    node.Postgres.Fenced = true;
                    Record($"node {node.Id} fenced: {fence.Reason}");
                    break;
                case Unfence unfence when unfence.Term != node.LedTerm:
                    // Only a primary that leads the term it was promoted in lifts its own fence: anything else is a
                    // promotion that skipped its checks.
                    Violate($"node {node.Id} unfenced in term {unfence.Term}, which it was not promoted in (term {node.LedTerm})");
                    break;
                case Unfence:
                    node.Postgres.Fenced = false;
                    Record($"node {node.Id} unfenced");
                    break;
                case Follow follow:
                    FollowPostgres(node, follow.PrimaryId);
                    break;
                case Rejoin rejoin:
                    node.Postgres.IsPrimary = false;
                    node.Postgres.Fenced = true;
                    FollowPostgres(node, rejoin.PrimaryId);
                    Record($"node {node.Id} rejoined as standby of {rejoin.PrimaryId}");
                    break;
                case Refused refused:
                    Refusals.Add((Elapsed, node.Id, refused.Reason));
                    Record($"node {node.Id} refused: {refused.Reason}");
                    break;
            }
        }

        PublishToSwitch(node);
    }

    private void Record(string line)
    {
        if (Log.Count < 2000)
        {
            Log.Add($"{Elapsed.TotalSeconds:0.000} {line}");
        }
    }
}
