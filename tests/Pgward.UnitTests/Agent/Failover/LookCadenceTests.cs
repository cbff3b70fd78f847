using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Failover;
using Pgward.Core.Postgres;
using Pgward.Failover;
using Pgward.Failover.Agreement;
using Pgward.Failover.Messages;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class LookCadenceTests
{
    /// <summary>Which of <paramref name="ticks"/> ticks look, each look telling the cadence what <paramref name="same"/> says.</summary>
    private static List<int> LookingTicks(LookCadence cadence, int ticks, Func<int, bool> steady, Func<int, bool> same)
    {
        var looked = new List<int>();
        for (var tick = 1; tick <= ticks; tick++)
        {
            if (cadence.ShouldLook(steady(tick)))
            {
                looked.Add(tick);
                cadence.Looked(same(tick));
            }
        }
        return looked;
    }

    [Fact]
    public void A_steady_node_looks_at_every_tick_until_its_looks_agree_for_a_second_then_at_one_tick_in_five()
    {
        var cadence = new LookCadence();
        var looked = LookingTicks(cadence, 30, _ => true, _ => true);
        // Ticks 1-10 look (ten alike looks), then every fifth tick.
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30], looked);
        Assert.True(cadence.Quiet);
    }

    [Fact]
    public void A_look_that_sees_a_change_brings_the_looks_back_to_every_tick()
    {
        var cadence = new LookCadence();
        // Quiet from tick 10; the look at tick 20 sees the position move.
        var looked = LookingTicks(cadence, 32, _ => true, tick => tick != 20);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30], looked);
        Assert.True(cadence.Quiet);
    }

    [Fact]
    public void A_tick_that_is_not_steady_looks_and_the_count_starts_again()
    {
        var cadence = new LookCadence();
        // Quiet from tick 10; tick 13 is not steady (a heartbeat missed, an election): it looks, and so does every tick
        // until ten looks agree again (tick 22), then one in five.
        var looked = LookingTicks(cadence, 30, tick => tick != 13, _ => true);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 27], looked);
    }

    [Fact]
    public void A_node_that_is_never_steady_looks_at_every_tick()
    {
        var looked = LookingTicks(new LookCadence(), 40, _ => false, _ => true);
        Assert.Equal(Enumerable.Range(1, 40), looked);
    }

    [Fact]
    public void Observations_are_the_same_when_all_they_saw_is_whenever_they_were_read()
    {
        var standby = new LocalObservation(true, true, false, 2, new Lsn(0x5000), "host=a port=1", true, "", [("node2", new Lsn(0x4000))])
            { At = DateTimeOffset.UnixEpoch };
        Assert.True(standby.SameAs(standby with { At = DateTimeOffset.UnixEpoch.AddSeconds(1), Flushed = [("node2", new Lsn(0x4000))] }));
        Assert.False(standby.SameAs(standby with { Lsn = new Lsn(0x5008) }));
        Assert.False(standby.SameAs(standby with { Streaming = false }));
        Assert.False(standby.SameAs(standby with { PrimaryConninfo = "host=b port=1" }));
        Assert.False(standby.SameAs(standby with { Flushed = [("node2", new Lsn(0x4008))] }));
        Assert.False(standby.SameAs(standby with { Flushed = [] }));
        Assert.False(standby.SameAs(standby with { PostmasterPid = 42 }));
        Assert.False(standby.SameAs(LocalObservation.Down("gone")));
    }

    [Fact]
    public void A_streaming_standby_that_hears_its_primary_is_steady_as_its_decisions_report_it()
    {
        // The status as a FailoverNode reports it, not as one would write it: a standby's is Fenced (a leader's flag).
        var time = new FakeTimeProvider();
        var store = new InMemoryAgreementStore();
        store.Save(new VoterState(1, null, 1));
        var node = new FailoverNode(new NodeProfile(2), [1, 2, 3], new FailoverOptions(), store, new Random(1), time.GetUtcNow());
        node.Tick(time.GetUtcNow(), new LocalStatus(true, false, 1, 0x5000, UpstreamId: 1, Streaming: true));
        node.Receive(1, new Heartbeat(1, 1, 1, 0x5000, 0x5000, time.GetUtcNow()), time.GetUtcNow());
        var streaming = new LocalObservation(true, true, false, 1, new Lsn(0x5000), "host=a port=1", true, "", []);
        var heardWithin = TimeSpan.FromMilliseconds(500);

        Assert.True(LookCadence.SteadyStandby(streaming, node.Status, time.GetUtcNow(), heardWithin));
        Assert.False(LookCadence.SteadyStandby(streaming with { Streaming = false }, node.Status, time.GetUtcNow(), heardWithin));
        Assert.False(LookCadence.SteadyStandby(streaming with { InRecovery = false }, node.Status, time.GetUtcNow(), heardWithin));
        Assert.False(LookCadence.SteadyStandby(streaming with { Guarded = true }, node.Status, time.GetUtcNow(), heardWithin));
        Assert.False(LookCadence.SteadyStandby(streaming, null, time.GetUtcNow(), heardWithin));
        // A primary gone quiet: not steady once two heartbeats are missed, well before any election.
        time.Advance(heardWithin);
        Assert.False(LookCadence.SteadyStandby(streaming, node.Status, time.GetUtcNow(), heardWithin));
    }
}
