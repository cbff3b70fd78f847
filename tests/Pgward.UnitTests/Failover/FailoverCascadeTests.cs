using Microsoft.Extensions.Time.Testing;
using Pgward.Failover;
using Pgward.Failover.Actions;
using Pgward.Failover.Agreement;
using Pgward.Failover.Messages;
using Xunit;

namespace Pgward.UnitTests.Failover;

/// <summary>A cascaded standby (node 3 streaming from standby node 2 while node 1 is the primary) keeps its upstream
/// until that upstream fails, as repmgr does (issue 14, defect 25).</summary>
public sealed class FailoverCascadeTests
{
    private static readonly LocalStatus Cascaded = new(IsRunning: true, IsPrimary: false, Timeline: 1, Lsn: 0x5000, UpstreamId: 2, Streaming: true);
    private readonly FakeTimeProvider time = new();

    private FailoverNode NewNode(int? primary = 1)
    {
        var store = new InMemoryAgreementStore();
        store.Save(new VoterState(1, null, primary));
        return new FailoverNode(new NodeProfile(3), [1, 2, 3], new FailoverOptions(), store, new Random(1), time.GetUtcNow());
    }

    private Heartbeat HeartbeatFrom(int primary, long term) => new(term, primary, 1, 0x6000, 0x6000, time.GetUtcNow());

    /// <summary>Ticks every 100 ms and a heartbeat of node 1 every 500 ms for <paramref name="span"/>: every action decided.</summary>
    private List<FailoverAction> Run(FailoverNode node, LocalStatus local, TimeSpan span, int primary = 1, long term = 1)
    {
        var actions = new List<FailoverAction>();
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += TimeSpan.FromMilliseconds(100))
        {
            actions.AddRange(node.Tick(time.GetUtcNow(), local));
            if (elapsed.Ticks % TimeSpan.FromMilliseconds(500).Ticks == 0)
            {
                actions.AddRange(node.Receive(primary, HeartbeatFrom(primary, term), time.GetUtcNow()));
            }
            time.Advance(TimeSpan.FromMilliseconds(100));
        }
        return actions;
    }

    [Fact]
    public void Cascaded_standby_keeps_its_upstream_through_an_idle_minute_of_heartbeats()
    {
        var node = NewNode();
        Assert.DoesNotContain(Run(node, Cascaded, TimeSpan.FromMinutes(1)), a => a is Follow);
    }

    [Fact]
    public void Cascaded_standby_keeps_its_upstream_while_it_restarts_briefly()
    {
        var node = NewNode();
        Run(node, Cascaded, TimeSpan.FromSeconds(5));
        var actions = Run(node, Cascaded with { Streaming = false }, new FailoverOptions().FailoverTimeout - TimeSpan.FromMilliseconds(200));
        actions.AddRange(Run(node, Cascaded, TimeSpan.FromSeconds(5)));
        Assert.DoesNotContain(actions, a => a is Follow);
    }

    [Fact]
    public void Cascaded_standby_follows_the_primary_once_its_upstream_has_not_streamed_for_the_failover_timeout_and_says_why()
    {
        var node = NewNode();
        Run(node, Cascaded, TimeSpan.FromSeconds(5));
        var actions = Run(node, Cascaded with { Streaming = false }, new FailoverOptions().FailoverTimeout + TimeSpan.FromSeconds(1));
        var follow = Assert.Single(actions.OfType<Follow>());
        Assert.Equal(1, follow.PrimaryId);
        Assert.Contains("its upstream node 2 has not streamed to it for 2", follow.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Standby_left_on_the_replaced_primary_follows_the_new_one_at_once_though_it_still_streams()
    {
        var node = NewNode();
        var onOldPrimary = Cascaded with { UpstreamId = 1 };
        Run(node, onOldPrimary, TimeSpan.FromSeconds(1));
        var follow = Assert.Single(node.Receive(2, HeartbeatFrom(2, 2), time.GetUtcNow()).OfType<Follow>());
        Assert.Equal(2, follow.PrimaryId);
        Assert.Equal("its upstream node 1 is no longer the primary", follow.Reason);
    }

    [Fact]
    public void Cascaded_standby_whose_upstream_is_promoted_has_nothing_to_follow()
    {
        var node = NewNode();
        Run(node, Cascaded, TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(Run(node, Cascaded, TimeSpan.FromSeconds(10), primary: 2, term: 2), a => a is Follow);
    }

    [Fact]
    public void Cascaded_voter_grants_its_vote_without_stopping_its_receiver_and_a_direct_standby_stops_it()
    {
        var cascaded = NewNode();
        Run(cascaded, Cascaded, TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(3));
        cascaded.Tick(time.GetUtcNow(), Cascaded);
        var vote = new VoteRequest(2, PreVote: false, Round: 1, new Candidacy(2, 1, 0x6000, 100));
        var sent = Assert.IsType<Send>(Assert.Single(cascaded.Receive(2, vote, time.GetUtcNow())));
        Assert.True(Assert.IsType<VoteReply>(sent.Message).Granted);

        var direct = NewNode();
        var onPrimary = Cascaded with { UpstreamId = 1 };
        Run(direct, onPrimary, TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(3));
        direct.Tick(time.GetUtcNow(), onPrimary);
        Assert.IsType<DetachThenSend>(Assert.Single(direct.Receive(2, vote, time.GetUtcNow())));
    }

    [Fact]
    public void Voter_that_knows_no_primary_stops_its_receiver_before_its_vote_whatever_it_streams_from()
    {
        var node = NewNode(primary: null);
        time.Advance(TimeSpan.FromSeconds(3));
        node.Tick(time.GetUtcNow(), Cascaded);
        // An operator's switchover: a voter that heard no primary since it started grants it.
        var vote = new VoteRequest(2, PreVote: false, Round: 1, new Candidacy(2, 1, 0x6000, 100), Manual: true);
        Assert.IsType<DetachThenSend>(Assert.Single(node.Receive(2, vote, time.GetUtcNow())));
    }
}
