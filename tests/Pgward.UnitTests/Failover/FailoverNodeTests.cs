using Microsoft.Extensions.Time.Testing;
using Pgward.Failover;
using Pgward.Failover.Actions;
using Pgward.Failover.Agreement;
using Pgward.Failover.Messages;
using Xunit;

namespace Pgward.UnitTests.Failover;

/// <summary>One <see cref="FailoverNode"/> driven by hand with a fake clock: the actions it decides.</summary>
public sealed class FailoverNodeTests
{
    private static readonly int[] Voters = [1, 2, 3];
    private static readonly LocalStatus Standby = new(IsRunning: true, IsPrimary: false, Timeline: 1, Lsn: 0x5000, UpstreamId: 1);
    private static readonly LocalStatus Primary = new(IsRunning: true, IsPrimary: true, Timeline: 1, Lsn: 0x6000, AckedLsn: 0x6000);
    private readonly FakeTimeProvider time = new();

    private FailoverNode NewNode(int id, IAgreementStore store, FailoverOptions? options = null) =>
        new(new NodeProfile(id), Voters, options ?? new FailoverOptions(), store, new Random(1), time.GetUtcNow());

    private static InMemoryAgreementStore StoreAt(long term, int? primary)
    {
        var store = new InMemoryAgreementStore();
        store.Save(new VoterState(term, null, primary));
        return store;
    }

    private static VoteRequest Vote(long term, int candidate, ulong lsn = 0x5000, int timeline = 1) =>
        new(term, PreVote: false, Round: 1, new Candidacy(candidate, timeline, lsn, 100));

    private Heartbeat HeartbeatFrom(int primary, long term) => new(term, primary, 1, 0x6000, 0x6000, time.GetUtcNow());

    [Fact]
    public void Voter_acknowledges_a_heartbeat_and_refuses_votes_until_its_lease_ends()
    {
        var node = NewNode(3, StoreAt(1, 1));
        node.Tick(time.GetUtcNow(), Standby);
        var ack = Assert.IsType<Send>(Assert.Single(node.Receive(1, HeartbeatFrom(1, 1), time.GetUtcNow())));
        Assert.Equal(new HeartbeatReply(1, Accepted: true, time.GetUtcNow()), ack.Message);

        time.Advance(TimeSpan.FromMilliseconds(1900));
        var refused = Reply(node.Receive(2, Vote(2, candidate: 2), time.GetUtcNow()));
        Assert.False(refused.Granted);
        Assert.Contains("lease", refused.Reason, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMilliseconds(200));
        var granted = Reply(node.Receive(2, Vote(2, candidate: 2), time.GetUtcNow()));
        Assert.True(granted.Granted);
    }

    [Fact]
    public void Voter_grants_one_vote_per_term_even_after_a_restart()
    {
        var store = StoreAt(1, 1);
        var node = NewNode(3, store);
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), Standby with { Lsn = 0 });
        Assert.True((Reply(node.Receive(2, Vote(2, 2), time.GetUtcNow()))).Granted);

        var restarted = NewNode(3, store);
        time.Advance(TimeSpan.FromSeconds(3));
        restarted.Tick(time.GetUtcNow(), Standby with { Lsn = 0 });
        var reply = Reply(restarted.Receive(1, Vote(2, 1), time.GetUtcNow()));
        Assert.False(reply.Granted);
        Assert.Equal(new VoterState(2, 2, null), store.Load());
    }

    [Fact]
    public void Restarted_voter_keeps_the_lease_it_may_have_promised_before_its_crash()
    {
        var node = NewNode(3, StoreAt(1, 1));
        node.Tick(time.GetUtcNow(), Standby with { Lsn = 0 });
        var reply = Reply(node.Receive(2, Vote(2, 2), time.GetUtcNow()));
        Assert.False(reply.Granted);
    }

    [Fact]
    public void Voter_refuses_a_candidate_behind_itself_or_on_an_older_timeline()
    {
        var node = NewNode(3, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), Standby with { Timeline = 2 });

        var older = Reply(node.Receive(2, Vote(2, 2, lsn: 0x9000, timeline: 1), time.GetUtcNow()));
        var behind = Reply(node.Receive(2, Vote(2, 2, lsn: 0x4000, timeline: 2), time.GetUtcNow()));

        Assert.Contains("behind node 3", older.Reason, StringComparison.Ordinal);
        Assert.Contains("behind node 3", behind.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Standby_that_may_never_stand_does_not_hold_back_a_candidate_behind_it()
    {
        var node = new FailoverNode(
            new NodeProfile(3, Priority: 0), Voters, new FailoverOptions(), StoreAt(1, 1), new Random(1), time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), Standby with { Lsn = 0x8000 });

        var reply = Reply(node.Receive(2, Vote(2, 2, lsn: 0x7000), time.GetUtcNow()));
        Assert.True(reply.Granted, reply.Reason);
    }

    [Fact]
    public void Voter_whose_server_is_down_judges_with_the_WAL_on_its_disk()
    {
        var node = NewNode(3, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), Standby with { IsRunning = false, Lsn = 0x8000 });

        var reply = Reply(node.Receive(2, Vote(2, 2, lsn: 0x7000), time.GetUtcNow()));
        Assert.Contains("behind node 3", reply.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Primary_whose_server_is_down_judges_by_its_last_position_and_takes_no_precedence()
    {
        // A primary stopped for a switchover (or crashed) writes no more WAL: it refuses a candidate behind what it last
        // reported, grants one as advanced (an idle cluster: equal positions), and does not make it give way to itself.
        var node = NewNode(1, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), Primary with { IsRunning = false });

        Assert.Contains("behind node 1", Reply(node.Receive(2, Vote(2, 2, lsn: 0x5000), time.GetUtcNow())).Reason, StringComparison.Ordinal);
        var equal = Reply(node.Receive(3, Vote(3, 3, lsn: 0x6000), time.GetUtcNow()));
        Assert.True(equal.Granted, equal.Reason);
    }

    [Fact]
    public void Voter_whose_server_is_down_and_was_never_seen_running_votes_for_nobody()
    {
        var node = NewNode(3, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), LocalStatus.Unknown);

        var reply = Reply(node.Receive(2, Vote(2, 2, lsn: 0x7000), time.GetUtcNow()));
        Assert.False(reply.Granted);
        Assert.Contains("cannot tell what WAL it holds", reply.Reason, StringComparison.Ordinal);

        node.Tick(time.GetUtcNow(), Standby with { IsRunning = false, Lsn = 0x6000 });
        Assert.True(Reply(node.Receive(2, Vote(2, 2, lsn: 0x7000), time.GetUtcNow())).Granted);
    }

    [Fact]
    public void Primary_starts_fenced_unfences_on_a_majority_and_fences_when_acks_stop()
    {
        var node = NewNode(1, StoreAt(1, 1));
        var first = node.Tick(time.GetUtcNow(), Primary);
        Assert.Equal(2, first.OfType<Send>().Count());
        Assert.DoesNotContain(first, action => action is Unfence);

        var sentAt = time.GetUtcNow();
        time.Advance(TimeSpan.FromMilliseconds(5));
        node.Receive(2, new HeartbeatReply(1, Accepted: true, sentAt), time.GetUtcNow());
        Assert.Contains(new Unfence(1), node.Tick(time.GetUtcNow(), Primary));

        time.Advance(TimeSpan.FromMilliseconds(1500));
        var fence = Assert.Single(node.Tick(time.GetUtcNow(), Primary).OfType<Fence>());
        Assert.Contains("no majority", fence.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Steady_leader_is_ticked_once_per_heartbeat_and_at_every_interval_again_before_its_lease_can_end()
    {
        var options = new FailoverOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(250) };
        var node = NewNode(1, StoreAt(1, 1), options);
        var sentAt = time.GetUtcNow();
        node.Tick(sentAt, Primary);
        Assert.Equal(options.TickInterval, node.NextTickWithin(sentAt)); // fenced until a majority acknowledges

        time.Advance(TimeSpan.FromMilliseconds(5));
        node.Receive(2, new HeartbeatReply(1, Accepted: true, sentAt), time.GetUtcNow());
        Assert.Contains(new Unfence(1), node.Tick(time.GetUtcNow(), Primary));
        // The ticks that send heartbeats anyway: the first after 250 ms, with a tick every 100 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(300), node.NextTickWithin(time.GetUtcNow()));
        Assert.Equal(options.TickInterval, NewNode(2, StoreAt(1, 1), options).NextTickWithin(time.GetUtcNow())); // a standby

        // A tick that comes early because its look was quicker than the one before still sends the heartbeat.
        time.Advance(TimeSpan.FromMilliseconds(225));
        Assert.Equal(2, node.Tick(time.GetUtcNow(), Primary).OfType<Send>().Count());

        // No acknowledgement comes again: slow ticks while the lease holds a slow tick and an interval more, then a tick
        // every interval, and the fence at the first tick after the lease's end.
        var leaseEnd = sentAt + options.FenceTimeout;
        var waits = new List<TimeSpan>();
        while (true)
        {
            var wait = node.NextTickWithin(time.GetUtcNow());
            waits.Add(wait);
            time.Advance(wait);
            if (node.Tick(time.GetUtcNow(), Primary).OfType<Fence>().Any())
            {
                break;
            }
            Assert.True(time.GetUtcNow() < leaseEnd, "the lease ended and no fence came");
        }
        Assert.Equal([300, 300, 300, 100, 100, 100, 100], waits.Select(w => (int)w.TotalMilliseconds));
        Assert.InRange(time.GetUtcNow() - leaseEnd, TimeSpan.Zero, options.TickInterval);
    }

    [Fact]
    public void Primary_without_a_dead_man_switch_is_fenced_hands_over_once_and_unfences_only_on_acknowledgements_after_that()
    {
        var node = NewNode(1, StoreAt(1, 1));
        var heartbeatAt = time.GetUtcNow();
        node.Tick(heartbeatAt, Primary);
        time.Advance(TimeSpan.FromMilliseconds(5));
        node.Receive(2, new HeartbeatReply(1, Accepted: true, heartbeatAt), time.GetUtcNow());
        Assert.Contains(new Unfence(1), node.Tick(time.GetUtcNow(), Primary));

        time.Advance(TimeSpan.FromMilliseconds(100));
        var aside = node.Tick(time.GetUtcNow(), Primary with { Fenceable = false });
        Assert.Contains("no dead-man switch", Assert.Single(aside.OfType<Fence>()).Reason, StringComparison.Ordinal);
        Assert.Equal(2, aside.OfType<Send>().Count(send => send.Message is LeaseRelease { ElectNow: true }));
        Assert.Equal(DateTimeOffset.MinValue, node.CommitsAllowedUntil);
        Assert.True(node.Status.Fenced);

        // Neither a heartbeat nor a second release while it stays without one.
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Empty(node.Tick(time.GetUtcNow(), Primary with { Fenceable = false }));

        // Its switch runs again: heartbeats resume, but a late acknowledgement of one sent before the release counts
        // for nothing (that voter may have voted since); one sent after it lifts the fence.
        var resumed = node.Tick(time.GetUtcNow(), Primary);
        Assert.Contains(resumed, a => a is Send { Message: Heartbeat });
        var resumedAt = time.GetUtcNow();
        node.Receive(2, new HeartbeatReply(1, Accepted: true, heartbeatAt), time.GetUtcNow());
        Assert.DoesNotContain(node.Tick(time.GetUtcNow(), Primary), a => a is Unfence);
        time.Advance(TimeSpan.FromMilliseconds(5));
        node.Receive(2, new HeartbeatReply(1, Accepted: true, resumedAt), time.GetUtcNow());
        Assert.Contains(new Unfence(1), node.Tick(time.GetUtcNow(), Primary));
    }

    [Fact]
    public void Primary_whose_switch_runs_again_within_its_start_grace_still_waits_for_an_acknowledgement_after_the_release()
    {
        var node = NewNode(1, StoreAt(1, 1));
        node.AssumeWritable(time.GetUtcNow());
        node.Tick(time.GetUtcNow(), Primary);
        Assert.False(node.Status.Fenced);

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Contains(node.Tick(time.GetUtcNow(), Primary with { Fenceable = false }), a => a is Fence);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.DoesNotContain(node.Tick(time.GetUtcNow(), Primary), a => a is Unfence);
        Assert.Equal(DateTimeOffset.MinValue, node.CommitsAllowedUntil);
    }

    [Fact]
    public void Standby_without_a_dead_man_switch_neither_stands_nor_accepts_an_operators_promotion()
    {
        var node = NewNode(2, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(10));
        var unfenceable = Standby with { Fenceable = false };
        var actions = node.Tick(time.GetUtcNow(), unfenceable);
        Assert.DoesNotContain(actions, a => a is Send { Message: VoteRequest });
        Assert.Contains("no dead-man switch", Assert.Single(actions.OfType<Refused>()).Reason, StringComparison.Ordinal);
        Assert.Contains("no dead-man switch", Assert.Single(node.RequestPromotion(time.GetUtcNow()).OfType<Refused>()).Reason,
            StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Contains(node.Tick(time.GetUtcNow(), Standby), a => a is Send { Message: VoteRequest { PreVote: true } });
    }

    [Fact]
    public void Commit_lease_ends_a_fence_timeout_after_the_majority_th_newest_acknowledged_heartbeat_not_at_the_next_tick()
    {
        var node = NewNode(1, StoreAt(1, 1));
        node.Tick(time.GetUtcNow(), Primary);
        Assert.Equal(DateTimeOffset.MinValue, node.CommitsAllowedUntil); // starts fenced

        var sentAt = time.GetUtcNow();
        time.Advance(TimeSpan.FromMilliseconds(5));
        node.Receive(2, new HeartbeatReply(1, Accepted: true, sentAt), time.GetUtcNow());
        node.Tick(time.GetUtcNow(), Primary);
        // Itself (acknowledged at this tick) and node 2: the older of the two decides.
        Assert.Equal(sentAt + TimeSpan.FromMilliseconds(1500), node.CommitsAllowedUntil);

        // A frozen agent ticks no more: the lease still ends, whatever the tick would have decided.
        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.True(node.CommitsAllowedUntil <= time.GetUtcNow());
    }

    [Fact]
    public void Commit_lease_is_closed_for_good_once_a_higher_term_is_known_and_always_open_with_fencing_disabled()
    {
        var node = NewNode(1, StoreAt(1, 1));
        node.Tick(time.GetUtcNow(), Primary);
        node.Receive(2, new HeartbeatReply(1, Accepted: true, time.GetUtcNow()), time.GetUtcNow());
        node.Tick(time.GetUtcNow(), Primary);
        Assert.True(node.CommitsAllowedUntil > time.GetUtcNow());

        node.Receive(3, new HeartbeatReply(2, Accepted: false, time.GetUtcNow()), time.GetUtcNow());
        Assert.Equal(DateTimeOffset.MinValue, node.CommitsAllowedUntil);

        var unsafeNode = NewNode(1, StoreAt(1, 1), new FailoverOptions { UnsafeFaults = SafetyFaults.NoFencing });
        unsafeNode.Tick(time.GetUtcNow(), Primary);
        unsafeNode.Receive(2, new HeartbeatReply(1, Accepted: true, time.GetUtcNow()), time.GetUtcNow());
        unsafeNode.Tick(time.GetUtcNow(), Primary);
        Assert.Equal(DateTimeOffset.MaxValue, unsafeNode.CommitsAllowedUntil);
    }

    [Fact]
    public void Primary_found_writable_at_agent_start_holds_the_commit_lease_for_the_grace_period()
    {
        var node = NewNode(1, StoreAt(1, 1));
        node.AssumeWritable(time.GetUtcNow());
        node.Tick(time.GetUtcNow(), Primary);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMilliseconds(1500), node.CommitsAllowedUntil);
    }

    [Fact]
    public void Primary_told_of_a_higher_term_stays_fenced_and_rejoins_the_new_primary()
    {
        var node = NewNode(1, StoreAt(1, 1));
        node.Tick(time.GetUtcNow(), Primary);
        node.Receive(2, new HeartbeatReply(1, Accepted: true, time.GetUtcNow()), time.GetUtcNow());
        node.Tick(time.GetUtcNow(), Primary);

        Assert.Contains(node.Receive(3, new HeartbeatReply(2, Accepted: false, time.GetUtcNow()), time.GetUtcNow()), a => a is Fence);
        node.Receive(2, new HeartbeatReply(1, Accepted: true, time.GetUtcNow()), time.GetUtcNow());
        Assert.DoesNotContain(node.Tick(time.GetUtcNow(), Primary), a => a is Unfence);

        var actions = node.Receive(2, HeartbeatFrom(2, 2), time.GetUtcNow());
        Assert.Contains(new Rejoin(2, 2), actions);
    }

    [Fact]
    public void Heartbeat_of_an_older_term_is_rejected_with_the_current_term()
    {
        var node = NewNode(3, StoreAt(5, 2));
        var reply = Assert.IsType<Send>(Assert.Single(node.Receive(1, HeartbeatFrom(1, 4), time.GetUtcNow())));
        Assert.Equal(new HeartbeatReply(5, Accepted: false, time.GetUtcNow()), reply.Message);
    }

    [Fact]
    public void Standby_detaches_from_its_upstream_before_its_granted_vote_leaves_but_not_for_a_pre_vote()
    {
        var node = NewNode(3, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), Standby with { Lsn = 0 });

        Assert.IsType<Send>(Assert.Single(node.Receive(2, Vote(2, 2) with { PreVote = true }, time.GetUtcNow())));
        var vote = Assert.IsType<DetachThenSend>(Assert.Single(node.Receive(2, Vote(2, 2), time.GetUtcNow())));
        Assert.True(vote.Reply.Granted);
        Assert.Equal(2, vote.Candidate.Id);
    }

    [Fact]
    public void Candidate_that_missed_a_term_takes_it_from_the_refusals_and_wins_the_next()
    {
        // CI, primary-agent-stopped:sync seed 8: node 3 won the vote of term 2 (its own and node 1's) but deferred to
        // node 2, which precedes it. Node 2, still in term 1, asked for term 2 ever after and was refused by both:
        // nobody was promoted for 60 s.
        var stopped = new LocalStatus(IsRunning: false, IsPrimary: true, Timeline: 1, Lsn: 0x5000);
        var standby = Standby with { Streaming = false };
        var nodes = new Dictionary<int, (FailoverNode Node, LocalStatus Local)>
        {
            [1] = (NewNode(1, StoreVotedFor(2, 3)), stopped),
            [2] = (NewNode(2, StoreAt(1, 1)), standby),
            [3] = (NewNode(3, StoreVotedFor(2, 3)), standby),
        };
        time.Advance(TimeSpan.FromSeconds(3));

        var promoted = new List<(int Node, long Term)>();
        for (var step = 0; step < 100 && promoted.Count == 0; step++)
        {
            var queue = new Queue<(int From, FailoverAction Action)>();
            foreach (var (id, (node, local)) in nodes)
            {
                foreach (var action in node.Tick(time.GetUtcNow(), local))
                {
                    queue.Enqueue((id, action));
                }
            }
            while (queue.TryDequeue(out var next))
            {
                var (to, message) = next.Action switch
                {
                    Send send => (send.To, send.Message),
                    DetachThenSend detach => (detach.To, (FailoverMessage)detach.Reply),
                    Promote promote => Promoted(next.From, promote),
                    _ => (0, null),
                };
                foreach (var action in message is null ? [] : nodes[to].Node.Receive(next.From, message, time.GetUtcNow()))
                {
                    queue.Enqueue((to, action));
                }
            }
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal([(2, 3L)], promoted);

        (int, FailoverMessage?) Promoted(int id, Promote promote)
        {
            promoted.Add((id, promote.Term));
            return (0, null);
        }
    }

    [Fact]
    public void Candidate_frozen_mid_round_does_not_win_with_the_replies_it_finds_on_resuming()
    {
        // 10,000-seed sweep, seed 3363: a candidate's host froze after it asked for votes; a majority granted them, then
        // elected another in a later term. Resumed 20 s later, it counted the queued grants and promoted itself.
        var node = NewNode(2, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        var requests = node.Tick(time.GetUtcNow(), Standby).OfType<Send>().ToList();
        var preVote = Assert.IsType<VoteRequest>(requests[0].Message);
        Assert.True(preVote.PreVote);
        var vote = node.Receive(1, new VoteReply(preVote.Term, PreVote: true, preVote.Round, Granted: true, null), time.GetUtcNow())
            .Concat(node.Receive(3, new VoteReply(preVote.Term, PreVote: true, preVote.Round, Granted: true, null), time.GetUtcNow()))
            .OfType<Send>().Select(send => send.Message).OfType<VoteRequest>().First();
        Assert.False(vote.PreVote);

        time.Advance(TimeSpan.FromSeconds(20));
        var resumed = node.Receive(1, new VoteReply(vote.Term, PreVote: false, vote.Round, Granted: true, null), time.GetUtcNow());

        Assert.DoesNotContain(resumed, action => action is Promote);
        Assert.False(node.Status.IsLeader);
        Assert.Equal(ElectionPhase.None, node.Status.Election);
        // Within its round, the same grant wins.
        var fresh = NewNode(2, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        var asked = Assert.IsType<VoteRequest>(fresh.Tick(time.GetUtcNow(), Standby).OfType<Send>().First().Message);
        var voteNow = fresh.Receive(1, new VoteReply(asked.Term, PreVote: true, asked.Round, Granted: true, null), time.GetUtcNow())
            .Concat(fresh.Receive(3, new VoteReply(asked.Term, PreVote: true, asked.Round, Granted: true, null), time.GetUtcNow()))
            .OfType<Send>().Select(send => send.Message).OfType<VoteRequest>().First();
        Assert.Contains(fresh.Receive(1, new VoteReply(voteNow.Term, PreVote: false, voteNow.Round, Granted: true, null), time.GetUtcNow()),
            action => action is Promote);
    }

    [Fact]
    public void Deposed_primary_kept_read_only_judges_candidates_like_a_standby_and_gives_way()
    {
        // Simulation, after every fault was undone: an old primary held read-only by the guard refused every candidate
        // as "runs a primary" and could not stand itself; with a standby as advanced beside it, nobody was elected.
        var deposed = GuardedPrimaryAfterItsLease(StoreVotedFor(2, 3));

        Assert.True(Reply(deposed.Receive(2, Vote(3, candidate: 2, lsn: 0x5000), time.GetUtcNow())).Granted);
        var behind = Reply(deposed.Receive(3, Vote(4, candidate: 3, lsn: 0x4000) with { PreVote = true }, time.GetUtcNow()));
        Assert.Contains("is behind node 1", behind.Reason, StringComparison.Ordinal);
        // It cannot stand, so it does not hold back a candidate as advanced for its lower node id (once the promise its
        // vote gave has ended).
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(Reply(deposed.Receive(3, Vote(4, candidate: 3, lsn: 0x5000) with { PreVote = true }, time.GetUtcNow())).Granted);
    }

    [Fact]
    public void Deposed_primary_that_hears_no_primary_stands_and_is_promoted_onto_a_new_timeline()
    {
        // 10,000-seed sweep, seed 8753: the deposed primary held the newest WAL, the one standby that could stand was
        // behind it, and nobody was elected once every fault was undone.
        var deposed = NewNode(1, StoreVotedFor(2, 3));
        time.Advance(TimeSpan.FromSeconds(3));
        var requests = deposed.Tick(time.GetUtcNow(), GuardedPrimary).OfType<Send>().Select(send => send.Message).OfType<VoteRequest>().ToList();
        var preVote = Assert.IsType<VoteRequest>(requests[0]);
        Assert.True(preVote.PreVote);
        Assert.Equal((3L, 1, 0x5000UL), (preVote.Term, preVote.Candidate.Timeline, preVote.Candidate.Lsn));

        deposed.Receive(2, new VoteReply(3, PreVote: true, preVote.Round, Granted: true, null), time.GetUtcNow());
        time.Advance(TimeSpan.FromMilliseconds(100)); // the pre-vote window, for a better candidate's refusal
        var vote = deposed.Tick(time.GetUtcNow(), GuardedPrimary).OfType<Send>().Select(send => send.Message).OfType<VoteRequest>().First();
        Assert.False(vote.PreVote);
        var won = deposed.Receive(2, new VoteReply(3, PreVote: false, vote.Round, Granted: true, null), time.GetUtcNow());

        // Promoted out of the guard's recovery onto a new timeline, as a standby is: a timeline is a term's.
        Assert.Contains(new Promote(3), won);
        Assert.All(won.OfType<Send>().Select(send => send.Message).OfType<Heartbeat>(), heartbeat => Assert.Equal(2, heartbeat.Timeline));
        Assert.Equal((true, false, 3L), (deposed.Status.IsLeader, deposed.Status.Fenced, deposed.Status.Term));
    }

    [Fact]
    public void Deposed_primary_that_hears_a_primary_does_not_stand()
    {
        var deposed = GuardedPrimaryAfterItsLease(StoreVotedFor(2, 3));
        deposed.Receive(3, HeartbeatFrom(3, 2), time.GetUtcNow());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.DoesNotContain(deposed.Tick(time.GetUtcNow(), GuardedPrimary), action => action is Send { Message: VoteRequest });
    }

    [Fact]
    public void Guarded_primary_that_may_lead_again_refuses_every_candidate()
    {
        // A restarted primary whose store says it leads the current term lifts its guard once a majority acknowledges
        // it: a vote for another would let two primaries take writes.
        var restarted = GuardedPrimaryAfterItsLease(StoreAt(2, 1));
        Assert.Contains("runs a primary", Reply(restarted.Receive(2, Vote(3, candidate: 2, lsn: 0x6000), time.GetUtcNow())).Reason,
            StringComparison.Ordinal);

        // Not yet read-only (the fence still restarting it): it may still write, so it refuses too.
        var fencing = NewNode(1, StoreVotedFor(2, 3));
        fencing.Tick(time.GetUtcNow(), GuardedPrimary with { Guarded = false });
        Assert.Contains("runs a primary", Reply(fencing.Receive(2, Vote(3, candidate: 2, lsn: 0x6000), time.GetUtcNow())).Reason,
            StringComparison.Ordinal);
    }

    private static readonly LocalStatus GuardedPrimary =
        new(IsRunning: true, IsPrimary: true, Timeline: 1, Lsn: 0x5000, AckedLsn: 0x5000, Guarded: true);

    /// <summary>Node 1, a primary held read-only by the guard, ticked once its start's lease promise has ended.</summary>
    private FailoverNode GuardedPrimaryAfterItsLease(IAgreementStore store)
    {
        var node = NewNode(1, store);
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), GuardedPrimary);
        return node;
    }

    private static InMemoryAgreementStore StoreVotedFor(long term, int candidate)
    {
        var store = new InMemoryAgreementStore();
        store.Save(new VoterState(term, candidate, null));
        return store;
    }

    private static VoteReply Reply(IReadOnlyList<FailoverAction> actions) => (VoteReply)(actions[0] switch
    {
        Send send => send.Message,
        DetachThenSend detach => detach.Reply,
        var other => throw new InvalidOperationException($"{other} carries no reply"),
    });

    [Fact]
    public void Vote_is_refused_after_the_detach_when_the_voter_holds_more_compared_as_the_vote_policy_compares()
    {
        var candidate = new Candidacy(2, Timeline: 2, Lsn: 0x5000, Priority: 100);
        var detach = new DetachThenSend(2, new VoteReply(3, PreVote: false, Round: 1, Granted: true, Reason: null), candidate, JudgesData: true);

        Assert.Null(detach.RefusalAfterDetach(3, timeline: 2, received: 0x5000));
        Assert.Null(detach.RefusalAfterDetach(3, timeline: 1, received: 0x9000));
        Assert.Contains("beyond node 2's 0/5000", detach.RefusalAfterDetach(3, timeline: 2, received: 0x5001), StringComparison.Ordinal);
        // A later timeline is ahead whatever its LSN, as in the vote policy (the rule before compared LSNs only).
        Assert.NotNull(detach.RefusalAfterDetach(3, timeline: 3, received: 0x4000));
        Assert.Null((detach with { JudgesData = false }).RefusalAfterDetach(3, timeline: 2, received: 0x9000));
    }

    [Fact]
    public void Standby_that_hears_a_new_primary_follows_it()
    {
        var node = NewNode(3, StoreAt(1, 1));
        node.Tick(time.GetUtcNow(), Standby);
        Assert.Contains(node.Receive(2, HeartbeatFrom(2, 2), time.GetUtcNow()), a => a is Follow { PrimaryId: 2, Term: 2 });
    }

    [Fact]
    public void Node_recovering_a_backup_is_not_pointed_at_the_primary_does_not_stand_and_refuses_a_promotion()
    {
        // backup recover --node: recovery.signal, no upstream, recovery to a target. Pointed at the primary it would
        // replay past its target; standing, it would offer a backup's data as the cluster's newest.
        var node = NewNode(2, StoreAt(1, 1));
        var restoring = Standby with { UpstreamId = null, Restoring = true };
        node.Tick(time.GetUtcNow(), restoring);
        Assert.DoesNotContain(node.Receive(1, HeartbeatFrom(1, 1), time.GetUtcNow()), a => a is Follow);
        Assert.Contains("recovering a backup", Assert.Single(node.RequestPromotion(time.GetUtcNow()).OfType<Refused>()).Reason,
            StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(node.Tick(time.GetUtcNow(), restoring), a => a is Send { Message: VoteRequest });

        // Rejoined (standby.signal, primary_conninfo): a standby like any other again.
        var rejoined = NewNode(2, StoreAt(1, 1));
        rejoined.Tick(time.GetUtcNow(), Standby with { UpstreamId = null });
        Assert.Contains(rejoined.Receive(1, HeartbeatFrom(1, 1), time.GetUtcNow()), a => a is Follow { PrimaryId: 1 });
    }

    [Fact]
    public void Standby_whose_follow_did_not_take_asks_again_after_the_retry_interval_but_not_before()
    {
        var node = NewNode(3, StoreAt(1, 1));
        node.Tick(time.GetUtcNow(), Standby);
        Assert.Contains(node.Receive(2, HeartbeatFrom(2, 2), time.GetUtcNow()), a => a is Follow { PrimaryId: 2, Term: 2 });

        time.Advance(FailoverNode.FollowRetryInterval / 2);
        Assert.DoesNotContain(node.Receive(2, HeartbeatFrom(2, 2), time.GetUtcNow()), a => a is Follow);
        time.Advance(FailoverNode.FollowRetryInterval / 2);
        Assert.Contains(node.Receive(2, HeartbeatFrom(2, 2), time.GetUtcNow()), a => a is Follow { PrimaryId: 2, Term: 2 });
    }

    [Fact]
    public void Options_refuse_a_fence_timeout_that_does_not_end_before_the_lease()
    {
        var options = new FailoverOptions { FenceTimeout = TimeSpan.FromSeconds(2) };
        Assert.Throws<ArgumentException>(options.Validate);
        new FailoverOptions().Validate();
    }

    [Fact]
    public void Standby_still_streaming_from_its_primary_does_not_stand_before_it_has_heard_any_primary()
    {
        var node = NewNode(2, StoreAt(1, 1));
        var streaming = Standby with { Streaming = true };
        for (var i = 0; i < 50; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.DoesNotContain(node.Tick(time.GetUtcNow(), streaming), a => a is Send { Message: VoteRequest });
        }

        // Not streaming: its primary is gone, and it stands.
        var actions = node.Tick(time.GetUtcNow(), Standby);
        Assert.Contains(actions, a => a is Send { Message: VoteRequest { PreVote: true } });
    }

    [Fact]
    public void Primary_that_released_its_lease_sends_no_heartbeat_on_a_stale_view_until_its_server_was_seen_down()
    {
        var node = NewNode(1, StoreAt(1, 1));
        node.Tick(time.GetUtcNow(), Primary);
        var releases = node.Release(time.GetUtcNow());
        Assert.Equal(2, releases.OfType<Send>().Count(send => send.Message is LeaseRelease));

        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Empty(node.Tick(time.GetUtcNow(), Primary).OfType<Send>());

        // Seen stopped, then started again (a switchover rolled back): heartbeats resume.
        node.Tick(time.GetUtcNow(), LocalStatus.None);
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Contains(node.Tick(time.GetUtcNow(), Primary), action => action is Send { Message: Heartbeat });
    }

    [Fact]
    public void Standby_stands_at_once_when_the_primary_hands_over_but_waits_out_detection_after_a_switchover_release()
    {
        var switchover = NewNode(2, StoreAt(1, 1));
        var handover = NewNode(3, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        var heartbeat = new Heartbeat(1, 1, 1, 0x6000, 0x6000, time.GetUtcNow());
        switchover.Receive(1, heartbeat, time.GetUtcNow());
        handover.Receive(1, heartbeat, time.GetUtcNow());

        time.Advance(TimeSpan.FromMilliseconds(100));
        switchover.Receive(1, new LeaseRelease(1, 1, time.GetUtcNow()), time.GetUtcNow());
        handover.Receive(1, new LeaseRelease(1, 1, time.GetUtcNow(), ElectNow: true), time.GetUtcNow());
        time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.DoesNotContain(switchover.Tick(time.GetUtcNow(), Standby), a => a is Send { Message: VoteRequest });
        Assert.Contains(handover.Tick(time.GetUtcNow(), Standby), a => a is Send { Message: VoteRequest { PreVote: true } });
    }

    [Fact]
    public void Restarted_agent_gives_its_primary_no_longer_than_the_deadline_its_dead_man_switch_already_holds()
    {
        var node = NewNode(1, StoreAt(1, 1));
        var held = time.GetUtcNow() + TimeSpan.FromMilliseconds(400);
        node.AssumeWritable(time.GetUtcNow(), held);
        node.Tick(time.GetUtcNow(), Primary);
        Assert.Equal(held, node.CommitsAllowedUntil);

        var fresh = NewNode(1, StoreAt(1, 1));
        fresh.AssumeWritable(time.GetUtcNow(), previousDeadline: null);
        fresh.Tick(time.GetUtcNow(), Primary);
        Assert.Equal(time.GetUtcNow() + new FailoverOptions().FenceTimeout, fresh.CommitsAllowedUntil);
    }

    [Fact]
    public void Voter_that_heard_no_primary_since_it_started_refuses_an_automatic_candidate_while_its_server_streams()
    {
        var voter = NewNode(3, StoreAt(1, 1));
        time.Advance(TimeSpan.FromSeconds(3));
        var streaming = Standby with { Streaming = true };
        voter.Tick(time.GetUtcNow(), streaming);
        var refused = Reply(voter.Receive(2, Vote(2, 2), time.GetUtcNow()));
        Assert.False(refused.Granted);
        Assert.Contains("heard no primary", refused.Reason, StringComparison.Ordinal);

        // Its server no longer streams: the primary is gone from its view too.
        voter.Tick(time.GetUtcNow(), Standby);
        Assert.True(Reply(voter.Receive(2, Vote(2, 2), time.GetUtcNow())).Granted);
    }

    [Fact]
    public void Witness_that_heard_no_primary_refuses_a_candidate_that_heard_none_either_but_not_an_operators()
    {
        var witness = new FailoverNode(new NodeProfile(3, IsWitness: true), Voters, new FailoverOptions(), StoreAt(1, 1), new Random(1), time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(3));
        witness.Tick(time.GetUtcNow(), LocalStatus.None);
        var unheard = Vote(2, 2) with { Candidate = new Candidacy(2, 1, 0x5000, 100, HeardPrimary: false) };
        Assert.False(Reply(witness.Receive(2, unheard, time.GetUtcNow())).Granted);
        Assert.True(Reply(witness.Receive(2, unheard with { Manual = true }, time.GetUtcNow())).Granted);
        // A candidate that heard the primary acknowledged it: that primary is guarded, and the witness may vote.
        time.Advance(TimeSpan.FromSeconds(3)); // past the promise its granted vote made
        Assert.True(Reply(witness.Receive(2, Vote(3, 2), time.GetUtcNow())).Granted);
    }

    [Fact]
    public void Unguarded_primary_stays_writable_without_a_majority_and_is_guarded_from_the_first_acknowledgement()
    {
        var node = NewNode(1, StoreAt(1, 1));
        node.AssumeUnguarded();
        node.Tick(time.GetUtcNow(), Primary);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(node.Tick(time.GetUtcNow(), Primary), a => a is Fence);
        Assert.Equal(DateTimeOffset.MaxValue, node.CommitsAllowedUntil);

        node.Receive(2, new HeartbeatReply(1, Accepted: true, time.GetUtcNow()), time.GetUtcNow());
        node.Tick(time.GetUtcNow(), Primary);
        Assert.Equal(time.GetUtcNow() + new FailoverOptions().FenceTimeout, node.CommitsAllowedUntil);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Contains(node.Tick(time.GetUtcNow(), Primary), a => a is Fence);
    }
}
