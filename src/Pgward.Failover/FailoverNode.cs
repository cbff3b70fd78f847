using Pgward.Failover.Actions;
using Pgward.Failover.Agreement;
using Pgward.Failover.Messages;

namespace Pgward.Failover;

/// <summary>
/// One agent's failover decisions as a state machine: fed ticks (with what the agent observed of its local
/// PostgreSQL) and messages from other agents, each with the current time; returns the actions to take.
/// No I/O and no clock of its own. The host must tick it at least every <see cref="FailoverOptions.TickInterval"/>
/// and must start a local primary fenced: the node lifts the fence once a majority acknowledges it.
/// </summary>
public sealed partial class FailoverNode
{
    private readonly NodeProfile self;
    private readonly IReadOnlyList<int> voters;
    private readonly FailoverOptions options;
    private readonly IAgreementStore store;
    private readonly Random random;
    private readonly int majority;

    private VoterState voter;
    private LocalStatus local = LocalStatus.None;
    private DateTimeOffset lastHeard;
    private DateTimeOffset leaseUntil;
    private int knownTimeline;
    private ulong knownPrimaryLsn;
    private ulong knownAckedLsn;
    private string? lastRefusal;

    /// <param name="voters">Every voter's node id, this node's included.</param>
    /// <param name="random">Seeded in tests; draws the backoff after a lost election round.</param>
    /// <param name="startedAt">Start time: a restarted voter keeps the lease promise it may have given before
    /// its crash (it does not remember), and a standby waits a full failover timeout before suspecting anyone.</param>
    public FailoverNode(
        NodeProfile self, IReadOnlyList<int> voters, FailoverOptions options, IAgreementStore store, Random random,
        DateTimeOffset startedAt)
    {
        options.Validate();
        if (!voters.Contains(self.Id))
        {
            throw new ArgumentException($"node {self.Id} is not among the voters", nameof(voters));
        }

        this.self = self;
        this.voters = voters;
        this.options = options;
        this.store = store;
        this.random = random;
        majority = options.UnsafeFaults.HasFlag(SafetyFaults.NoQuorum) ? 1 : voters.Count / 2 + 1;
        voter = store.Load();
        lastHeard = startedAt;
        leaseUntil = startedAt + options.LeaseDuration;
    }

    public int Id => self.Id;

    public FailoverStatus Status => new(
        voter.CurrentTerm, voter.PrimaryId, leaderTerm is not null && !superseded, fenced, store.IsPaused,
        election?.Phase ?? ElectionPhase.None, lastHeard, lastRefusal, heardSinceStart || leaderTerm is not null);

    /// <summary>Periodic step: renew the lease and check the fence on a primary, detect a failed primary and
    /// run elections on a standby.</summary>
    public IReadOnlyList<FailoverAction> Tick(DateTimeOffset now, LocalStatus local)
    {
        this.local = local;
        TrackUpstream(now);
        var actions = new List<FailoverAction>();
        if (self.IsWitness)
        {
            return actions;
        }

        if (!local.IsRunning)
        {
            released = false;
        }

        if (local.IsRunning && local.IsPrimary && !StandsDeposed(now))
        {
            PrimaryTick(now, actions);
        }
        else
        {
            LapseWhileDown(now);
            StandbyTick(now, actions);
        }

        return actions;
    }

    /// <summary>Handles a message from another agent.</summary>
    public IReadOnlyList<FailoverAction> Receive(int from, FailoverMessage message, DateTimeOffset now)
    {
        var actions = new List<FailoverAction>();
        switch (message)
        {
            case Heartbeat heartbeat:
                OnHeartbeat(from, heartbeat, now, actions);
                break;
            case HeartbeatReply reply:
                OnHeartbeatReply(from, reply, actions);
                break;
            case VoteRequest request:
                OnVoteRequest(from, request, now, actions);
                break;
            case VoteReply reply:
                OnVoteReply(from, reply, now, actions);
                break;
            case LeaseRelease release:
                OnLeaseRelease(from, release, now);
                break;
        }

        return actions;
    }

    private void Save(VoterState state)
    {
        if (state != voter)
        {
            NotePrimaryChange(state);
            store.Save(state);
            voter = state;
        }
    }

    private void Report(string reason, List<FailoverAction> actions)
    {
        if (reason != lastRefusal)
        {
            lastRefusal = reason;
            actions.Add(new Refused(reason));
        }
    }

    private IEnumerable<int> Others => voters.Where(id => id != self.Id);

    private VoterKnowledge Knowledge(DateTimeOffset now) => new(
        self, voter, local, store.IsPaused, now, leaseUntil, knownTimeline, knownPrimaryLsn, knownAckedLsn, heardSinceStart,
        Deposed: Deposed);

    /// <summary>A primary held read-only by the guard that may not take writes again without a new election (see
    /// <see cref="VoterKnowledge.Deposed"/>).</summary>
    private bool Deposed => local is { IsRunning: true, IsPrimary: true, Guarded: true } && !MayLead;

    /// <summary>
    /// A deposed primary that hears no primary stands for election as a standby would: it may hold the newest WAL of
    /// all, and while it only waited for a primary to rejoin, a cluster whose other nodes are all behind it elected
    /// nobody for good (a 10,000-seed sweep: seeds 5706, 8753, 10983, every fault undone and no primary 20 s later). It
    /// wins only as a standby wins: a majority, no lease held, behind no voter, on no older timeline than the primary's.
    /// Its server is then promoted out of the recovery the guard holds it in (<see cref="Win"/>), onto a new timeline.
    /// While it hears a primary, it rejoins it.
    /// </summary>
    private bool StandsDeposed(DateTimeOffset now) => Deposed && now - lastHeard >= options.FailoverTimeout;

    /// <summary>Whether a local primary may take writes again without a new election: it leads a term nobody superseded,
    /// or the store says it leads the current one (a restarted primary before its first tick takes that up).</summary>
    private bool MayLead => !superseded && (leaderTerm is not null || voter.PrimaryId == self.Id);
}
