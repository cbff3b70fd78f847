using Pgward.Agent.Fencing;
using Xunit;

namespace Pgward.UnitTests.Agent.Fencing;

public sealed class DeadManRulesTests
{
    private const long Deadline = 1_000;

    [Fact]
    public void Armed_switch_stops_the_running_postmaster_once_the_deadline_passed()
    {
        Assert.Equal(DeadManStep.Wait, DeadManRules.Decide(DeadManMode.Armed, Deadline, 999, agentAlive: true, replaced: false, 42, 0));
        Assert.Equal(DeadManStep.Fire, DeadManRules.Decide(DeadManMode.Armed, Deadline, 1_000, agentAlive: true, replaced: false, 42, 0));
        Assert.Equal(DeadManStep.Fire, DeadManRules.Decide(DeadManMode.Armed, Deadline, 5_000, agentAlive: false, replaced: false, 42, 0));
    }

    [Fact]
    public void Switch_stops_each_postmaster_once_and_never_a_server_that_is_not_running()
    {
        Assert.Equal(DeadManStep.Wait, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: false, 42, 42));
        Assert.Equal(DeadManStep.Wait, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: false, null, 0));
        Assert.Equal(DeadManStep.Fire, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: false, 43, 42));
    }

    [Fact]
    public void Deadline_armed_for_one_postmaster_does_not_stop_a_server_started_again_since()
    {
        Assert.Equal(DeadManStep.Fire, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: false, 42, 0, armedPostmaster: 42));
        Assert.Equal(DeadManStep.Wait, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: false, 43, 0, armedPostmaster: 42));
        Assert.Equal(DeadManStep.Fire, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: false, 43, 0, armedPostmaster: 0));
    }

    [Fact]
    public void Deadline_armed_for_any_postmaster_stops_one_and_not_the_read_only_server_started_after_it()
    {
        // Agent killed while it led: the switch stopped 42 for this deadline; the restarted agent starts 43 read-only.
        Assert.Equal(DeadManStep.Wait, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: false, 43, 42, firedDeadline: Deadline));
        // A new deadline (the agent led 43 again, then its lease lapsed) is enforced on it.
        Assert.Equal(DeadManStep.Fire, DeadManRules.Decide(DeadManMode.Armed, Deadline + 500, 2_000, agentAlive: true, replaced: false, 43, 42, firedDeadline: Deadline));
        // Nothing left to stop for its deadline once the agent is gone: the switch ends.
        Assert.Equal(DeadManStep.Exit, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: false, replaced: false, 43, 42, firedDeadline: Deadline));
        // Armed for one postmaster by its PID, the rule is that postmaster's: the same deadline stops it.
        Assert.Equal(DeadManStep.Fire, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: false, 43, 42, armedPostmaster: 43, firedDeadline: Deadline));
    }

    [Fact]
    public void Disarmed_switch_never_fires_and_ends_once_its_agent_is_gone()
    {
        Assert.Equal(DeadManStep.Wait, DeadManRules.Decide(DeadManMode.Disarmed, 0, 5_000, agentAlive: true, replaced: false, 42, 0));
        Assert.Equal(DeadManStep.Exit, DeadManRules.Decide(DeadManMode.Disarmed, 0, 5_000, agentAlive: false, replaced: false, 42, 0));
    }

    [Fact]
    public void Armed_switch_outlives_a_dead_agent_until_the_deadline_and_ends_after_stopping_the_server()
    {
        Assert.Equal(DeadManStep.Wait, DeadManRules.Decide(DeadManMode.Armed, Deadline, 500, agentAlive: false, replaced: false, 42, 0));
        Assert.Equal(DeadManStep.Exit, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: false, replaced: false, 42, 42));
        Assert.Equal(DeadManStep.Exit, DeadManRules.Decide(DeadManMode.Armed, Deadline, 500, agentAlive: false, replaced: false, null, 0));
    }

    [Fact]
    public void Switch_ends_when_asked_or_replaced_even_while_armed()
    {
        Assert.Equal(DeadManStep.Exit, DeadManRules.Decide(DeadManMode.Exit, Deadline, 2_000, agentAlive: true, replaced: false, 42, 0));
        Assert.Equal(DeadManStep.Exit, DeadManRules.Decide(DeadManMode.Armed, Deadline, 2_000, agentAlive: true, replaced: true, 42, 0));
    }

    [Fact]
    public void Armed_switch_sleeps_until_the_deadline_but_no_longer_than_its_poll()
    {
        var poll = TimeSpan.FromMilliseconds(20);
        const long frequency = 1_000_000_000;
        Assert.Equal(TimeSpan.FromMilliseconds(5), DeadManRules.Sleep(DeadManMode.Armed, 5_000_000, 0, frequency, poll));
        Assert.Equal(poll, DeadManRules.Sleep(DeadManMode.Armed, 500_000_000, 0, frequency, poll));
        Assert.Equal(TimeSpan.FromMilliseconds(1), DeadManRules.Sleep(DeadManMode.Armed, 10, 0, frequency, poll));
        Assert.Equal(poll, DeadManRules.Sleep(DeadManMode.Disarmed, 5_000_000, 0, frequency, poll));
    }

    [Fact]
    public void Deadline_maps_the_wall_clock_instant_onto_the_monotonic_clock()
    {
        var now = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(1_500_000_000 + 7_000, DeadManLink.Deadline(now.AddSeconds(1.5), now, 7_000, 1_000_000_000));
        Assert.Equal(0, DeadManLink.Deadline(now.AddSeconds(-1), now, 7_000, 1_000_000_000));
        Assert.Equal(0, DeadManLink.Deadline(DateTimeOffset.MinValue, now, 7_000, 1_000_000_000));
        Assert.Equal(long.MaxValue, DeadManLink.Deadline(DateTimeOffset.MaxValue, now, 7_000, 1_000_000_000));
    }

    [Fact]
    public void A_renewal_has_the_time_its_old_deadline_still_had_left_and_anything_else_is_no_renewal()
    {
        const long second = 1_000_000_000;
        Assert.Equal(TimeSpan.FromMilliseconds(300), DeadManLink.RenewalMargin(10 * second, 11 * second, 9_700_000_000, second));
        Assert.Equal(TimeSpan.FromMilliseconds(-200), DeadManLink.RenewalMargin(10 * second, 11 * second, 10_200_000_000, second));
        Assert.Null(DeadManLink.RenewalMargin(10 * second, 10 * second, 9 * second, second));
        Assert.Null(DeadManLink.RenewalMargin(10 * second, 9 * second, 8 * second, second));
        Assert.Null(DeadManLink.RenewalMargin(0, 11 * second, 9 * second, second));
        Assert.Null(DeadManLink.RenewalMargin(long.MaxValue, 11 * second, 9 * second, second));
    }

    [Fact]
    public void Postmaster_is_read_only_when_the_decision_can_depend_on_it()
    {
        Assert.False(DeadManRules.NeedsPostmaster(DeadManMode.Armed, Deadline, 999, agentAlive: true));
        Assert.False(DeadManRules.NeedsPostmaster(DeadManMode.Disarmed, Deadline, 2_000, agentAlive: true));
        Assert.True(DeadManRules.NeedsPostmaster(DeadManMode.Armed, Deadline, 1_000, agentAlive: true));
        Assert.True(DeadManRules.NeedsPostmaster(DeadManMode.Disarmed, Deadline, 0, agentAlive: false));
    }

    [Fact]
    public void Decision_without_the_postmaster_is_the_decision_with_any_postmaster_when_it_is_not_needed()
    {
        int?[] postmasters = [null, 42, 43];
        foreach (var mode in new[] { DeadManMode.Armed, DeadManMode.Disarmed, DeadManMode.Exit })
        {
            foreach (var now in new long[] { 0, 999, 1_000, 5_000 })
            {
                foreach (var agentAlive in new[] { true, false })
                {
                    if (DeadManRules.NeedsPostmaster(mode, Deadline, now, agentAlive))
                    {
                        continue;
                    }
                    foreach (var postmaster in postmasters)
                    {
                        foreach (var standbyStarted in new[] { true, false })
                        {
                            Assert.Equal(
                                DeadManRules.Decide(mode, Deadline, now, agentAlive, replaced: false, null, 42, armedPostmaster: 0, firedDeadline: null),
                                DeadManRules.Decide(mode, Deadline, now, agentAlive, replaced: false, postmaster, 42, armedPostmaster: 0, firedDeadline: null, standbyStarted));
                            Assert.Equal(
                                DeadManRules.Decide(mode, Deadline, now, agentAlive, replaced: false, null, 0, armedPostmaster: 42, firedDeadline: Deadline),
                                DeadManRules.Decide(mode, Deadline, now, agentAlive, replaced: false, postmaster, 0, armedPostmaster: 42, firedDeadline: Deadline, standbyStarted));
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void The_agent_checks_an_armed_switch_every_500_ms_from_its_last_check_a_disarmed_one_every_second_and_a_silent_one_after_200_ms()
    {
        var checkedAt = DateTimeOffset.UnixEpoch;
        Assert.Equal(TimeSpan.FromSeconds(1), DeadManLink.WaitBeforeCheck(checkedAt, checkedAt, armed: false));
        Assert.Equal(TimeSpan.FromMilliseconds(500), DeadManLink.WaitBeforeCheck(checkedAt, checkedAt, armed: true));
        // Armed 700 ms into a disarmed wait: the wake checks at once, and the next check is 500 ms after that one.
        var wokenAt = checkedAt.AddMilliseconds(700);
        Assert.Equal(TimeSpan.Zero, DeadManLink.WaitBeforeCheck(checkedAt, wokenAt, armed: true));
        Assert.Equal(TimeSpan.FromMilliseconds(500), DeadManLink.WaitBeforeCheck(wokenAt, wokenAt, armed: true));
        Assert.Equal(TimeSpan.FromMilliseconds(350), DeadManLink.WaitBeforeCheck(wokenAt, wokenAt.AddMilliseconds(150), armed: true));
        // A switch found silent is looked at again 200 ms later, armed or not, and replaced if it still does not answer.
        Assert.Equal(TimeSpan.FromMilliseconds(200), DeadManLink.WaitBeforeCheck(checkedAt, checkedAt, armed: true, silent: true));
        Assert.Equal(TimeSpan.FromMilliseconds(200), DeadManLink.WaitBeforeCheck(checkedAt, checkedAt, armed: false, silent: true));
    }
}
