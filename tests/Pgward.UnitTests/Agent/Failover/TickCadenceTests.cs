using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Failover;
using Pgward.Core.Postgres;
using Pgward.Failover;
using Pgward.Failover.Agreement;
using Pgward.Failover.Messages;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class TickCadenceTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>The waits after each of <paramref name="ticks"/> ticks of a standby, each tick's look telling the cadence
    /// what <paramref name="same"/> says.</summary>
    private static List<int> Waits(TickCadence cadence, int ticks, Func<int, bool> steady, Func<int, bool> same)
    {
        var waits = new List<int>();
        for (var tick = 1; tick <= ticks; tick++)
        {
            cadence.Looked(same(tick));
            waits.Add((int)cadence.NextWait(steady(tick), Interval).TotalMilliseconds);
        }
        return waits;
    }

    [Fact]
    public void A_steady_node_ticks_at_every_interval_until_its_looks_agree_for_a_second_then_at_one_in_five()
    {
        var cadence = new TickCadence();
        var waits = Waits(cadence, 12, _ => true, _ => true);
        // After the tenth alike look, 500 ms between ticks.
        Assert.Equal([100, 100, 100, 100, 100, 100, 100, 100, 100, 500, 500, 500], waits);
        Assert.True(cadence.Quiet);
    }

    [Fact]
    public void A_look_that_sees_a_change_brings_the_ticks_back_and_wakes_the_waiting_tick()
    {
        var cadence = new TickCadence();
        Waits(cadence, 12, _ => true, _ => true);
        Assert.True(cadence.Quiet);

        Assert.True(cadence.Looked(false));
        Assert.False(cadence.Quiet);
        Assert.Equal(Interval, cadence.NextWait(true, Interval));
        // Not quiet: a change wakes nobody, the ticks already come at every interval.
        Assert.False(cadence.Looked(false));
    }

    [Fact]
    public void A_disturbance_brings_the_ticks_back_and_wakes_the_waiting_tick_only_when_they_were_quiet()
    {
        var cadence = new TickCadence();
        Assert.False(cadence.Disturb());
        Waits(cadence, 12, _ => true, _ => true);

        Assert.True(cadence.Disturb());
        Assert.False(cadence.Quiet);
        Assert.Equal(Interval, cadence.NextWait(true, Interval));
    }

    [Fact]
    public void A_tick_that_is_not_steady_ticks_at_the_interval_and_the_count_starts_again()
    {
        var cadence = new TickCadence();
        // Quiet from tick 10; tick 13 is not steady (a heartbeat missed, an election): ten more alike looks first.
        var waits = Waits(cadence, 25, tick => tick != 13, _ => true);
        Assert.Equal(Enumerable.Repeat(100, 9).Concat([500, 500, 500]).Concat(Enumerable.Repeat(100, 10)).Concat([500, 500, 500]), waits);
    }

    [Fact]
    public void A_node_that_is_never_steady_ticks_at_every_interval()
    {
        var waits = Waits(new TickCadence(), 40, _ => false, _ => true);
        Assert.All(waits, wait => Assert.Equal(100, wait));
    }

    [Fact]
    public void A_standby_quietens_only_when_it_would_tick_at_every_interval_again_before_its_failover_timeout()
    {
        var heardWithin = TimeSpan.FromMilliseconds(500);
        // Defaults: unsteady 0.5 s after the last heartbeat, noticed within 0.5 s more, ticking every 0.1 s by 1.1 s < 2 s.
        Assert.True(TickCadence.StandbyMayQuieten(new FailoverOptions(), heardWithin));
        Assert.False(TickCadence.StandbyMayQuieten(new FailoverOptions { FailoverTimeout = TimeSpan.FromSeconds(1) }, heardWithin));
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

        Assert.True(TickCadence.SteadyStandby(streaming, node.Status, time.GetUtcNow(), heardWithin));
        Assert.False(TickCadence.SteadyStandby(streaming with { Streaming = false }, node.Status, time.GetUtcNow(), heardWithin));
        Assert.False(TickCadence.SteadyStandby(streaming with { InRecovery = false }, node.Status, time.GetUtcNow(), heardWithin));
        Assert.False(TickCadence.SteadyStandby(streaming with { Guarded = true }, node.Status, time.GetUtcNow(), heardWithin));
        Assert.False(TickCadence.SteadyStandby(streaming, null, time.GetUtcNow(), heardWithin));
        // A primary gone quiet: not steady once two heartbeats are missed, well before any election.
        time.Advance(heardWithin);
        Assert.False(TickCadence.SteadyStandby(streaming, node.Status, time.GetUtcNow(), heardWithin));
    }
}
