using Pgward.Cluster.Switchover;
using Pgward.Core;
using Pgward.Core.Reporting;
using Xunit;

namespace Pgward.UnitTests.Cluster.Switchover;

public sealed class SwitchoverOrchestratorTests
{
    private static readonly SwitchoverPlan Plan = new(
        TestData.Primary(1), TestData.Standby(2, upstream: 1), [TestData.Standby(3, upstream: 1)], SiblingsFollow: true);

    private readonly FakeSwitchoverActions _actions = new();

    private Task<SwitchoverResult> RunAsync(SwitchoverPlan? plan = null) =>
        new SwitchoverOrchestrator(_actions, new SilentReporter()).RunAsync(plan ?? Plan, CancellationToken.None);

    [Fact]
    public async Task Switchover_runs_every_step_in_order_when_nothing_fails()
    {
        var result = await RunAsync();

        Assert.Equal(ExitCodes.Success, result.Outcome.ExitCode);
        Assert.Equal(["stop", "wait 0/6000028", "promote", "metadata", "rejoin node2 received 0/6000028", "follow node3"], _actions.Steps);
        Assert.Equal(("standby_switchover", true, "node \"node2\" (ID: 2) promoted to primary, node \"node1\" (ID: 1) demoted to standby"),
            Assert.Single(_actions.Events));
    }

    [Fact]
    public async Task Switchover_leaves_siblings_alone_without_siblings_follow()
    {
        await RunAsync(Plan with { SiblingsFollow = false });

        Assert.DoesNotContain(_actions.Steps, s => s.StartsWith("follow", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("stop", SwitchoverPhase.StoppingPrimary)]
    [InlineData("wait", SwitchoverPhase.WaitingForShutdownCheckpoint)]
    public async Task Switchover_restarts_the_old_primary_and_promotes_nobody_when_a_step_before_promotion_fails(
        string failing, SwitchoverPhase phase)
    {
        _actions.Failing.Add(failing);

        var result = await RunAsync();

        Assert.Equal(ExitCodes.SwitchoverFailed, result.Outcome.ExitCode);
        Assert.Equal(phase, result.Phase);
        Assert.Equal(["look", "restart", "look"], _actions.Steps[^3..]);
        Assert.DoesNotContain("promote", _actions.Steps);
        Assert.Contains("the cluster is as it was", result.Outcome.Detail, StringComparison.Ordinal);
        Assert.False(Assert.Single(_actions.Events).Success);
    }

    [Fact]
    public async Task Switchover_whose_stop_the_agent_refused_changes_nothing_and_restarts_nothing()
    {
        _actions.StopRefused = true;

        var result = await RunAsync();

        Assert.Equal(ExitCodes.SwitchoverFailed, result.Outcome.ExitCode);
        Assert.Equal(SwitchoverPhase.StoppingPrimary, result.Phase);
        Assert.Empty(_actions.Steps);
        Assert.Equal("nothing was changed: the primary's agent refused before acting, and the primary runs as it did", result.Outcome.Detail);
        Assert.False(Assert.Single(_actions.Events).Success);
    }

    [Fact]
    public async Task Switchover_whose_stop_outlasted_an_election_rejoins_the_old_primary_instead_of_restarting_it()
    {
        // The stop failed after the agents had seen the primary gone and elected node 3.
        _actions.Failing.Add("stop");
        _actions.WritableStandbys.Enqueue(TestData.Standby(3, upstream: 1));

        var result = await RunAsync();

        Assert.Equal(ExitCodes.SwitchoverFailed, result.Outcome.ExitCode);
        Assert.Equal(["stop", "look", "rejoin node3"], _actions.Steps);
        Assert.Contains("node \"node3\" (ID: 3) is the primary now, and the old primary node \"node1\" (ID: 1) rejoined it",
            result.Outcome.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("as it was", result.Outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switchover_rollback_never_says_as_it_was_when_an_election_ended_while_the_old_primary_started()
    {
        _actions.Failing.Add("wait");
        _actions.WritableStandbys.Enqueue(null);
        _actions.WritableStandbys.Enqueue(TestData.Standby(3, upstream: 1));

        var result = await RunAsync();

        Assert.Equal(["stop", "wait 0/6000028", "look", "restart", "look", "rejoin node3"], _actions.Steps);
        Assert.Equal(SwitchoverPhase.WaitingForShutdownCheckpoint, result.Phase);
        Assert.Contains("node \"node3\" (ID: 3) is the primary now", result.Outcome.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("as it was", result.Outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switchover_never_restarts_the_old_primary_when_the_promotion_step_fails()
    {
        _actions.Failing.Add("promote");

        var result = await RunAsync();

        Assert.Equal(ExitCodes.SwitchoverFailed, result.Outcome.ExitCode);
        Assert.Equal(SwitchoverPhase.PromotingCandidate, result.Phase);
        Assert.DoesNotContain("restart", _actions.Steps);
        Assert.Equal("find primary", _actions.Steps[^1]);
        Assert.Contains("left stopped", result.Outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switchover_overtaken_by_an_election_rejoins_the_old_primary_to_the_elected_node()
    {
        // The agents elected node 3 while the old primary was stopped, and refused to promote node 2.
        _actions.Failing.Add("promote");
        _actions.PrimaryAfterFailedPromotion = TestData.Standby(3, upstream: 1);

        var result = await RunAsync();

        Assert.Equal(ExitCodes.SwitchoverFailed, result.Outcome.ExitCode);
        Assert.Equal(["stop", "wait 0/6000028", "promote", "find primary", "rejoin node3"], _actions.Steps);
        Assert.Contains("node \"node3\" (ID: 3) is the primary now, and the old primary node \"node1\" (ID: 1) rejoined it",
            result.Outcome.Detail, StringComparison.Ordinal);
        Assert.False(Assert.Single(_actions.Events).Success);
    }

    [Fact]
    public async Task Switchover_overtaken_by_an_election_says_so_when_the_old_primary_cannot_rejoin()
    {
        _actions.Failing.UnionWith(["promote", "rejoin"]);
        _actions.PrimaryAfterFailedPromotion = TestData.Standby(3, upstream: 1);

        var result = await RunAsync();

        Assert.DoesNotContain("restart", _actions.Steps);
        Assert.Contains("did not rejoin it: rejoin node3 broke (run \"pgward node rejoin\" on it)", result.Outcome.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rejoin", "node \"node1\" (ID: 1) did not rejoin")]
    [InlineData("follow", "node \"node3\" (ID: 3) does not follow the new primary")]
    public async Task Switchover_reports_incomplete_but_keeps_the_new_primary_when_a_later_step_fails(string failing, string message)
    {
        _actions.Failing.Add(failing);

        var result = await RunAsync();

        Assert.Equal(ExitCodes.SwitchoverIncomplete, result.Outcome.ExitCode);
        Assert.Contains(message, result.Outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("restart", _actions.Steps);
        Assert.False(Assert.Single(_actions.Events).Success);
    }

    private sealed class SilentReporter : IReporter
    {
        public void Report(ReportLevel level, string message)
        {
        }

        public void Progress(string message)
        {
        }
    }
}
