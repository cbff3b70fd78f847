using Pgward.Cluster.Switchover;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Cluster.Switchover;

public sealed class SwitchoverPrecheckTests
{
    private static readonly SwitchoverPlan Plan = new(
        TestData.Primary(1), TestData.Standby(2, upstream: 1), [TestData.Standby(3, upstream: 1)], SiblingsFollow: true);

    private static ServerFacts StreamingPrimary(Lsn current) => TestData.Primary() with
    {
        ReceiveLsn = current,
        Downstream = [new DownstreamConnection("node2", "streaming", null), new DownstreamConnection("node3", "streaming", null)],
    };

    private static SwitchoverFacts Healthy() => new(
        Plan, StreamingPrimary(new Lsn(0x50007C8)), TestData.Standby(), new HashSet<int> { 1, 2, 3 }, new HashSet<int> { 3 }, MaximumLagBytes: 16 * 1024 * 1024);

    [Fact]
    public void Precheck_finds_nothing_when_the_candidate_streams_and_every_agent_answers() =>
        Assert.Empty(SwitchoverPrecheck.Evaluate(Healthy()));

    [Fact]
    public void Precheck_refuses_when_the_candidate_lags_more_than_the_limit()
    {
        var facts = Healthy() with { Primary = StreamingPrimary(new Lsn(0x50007C8 + 64L * 1024 * 1024)) };

        var problem = Assert.Single(SwitchoverPrecheck.Evaluate(facts));
        Assert.Contains("replays 67108864 bytes behind the primary", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Precheck_refuses_when_the_candidate_does_not_stream_from_the_primary()
    {
        var facts = Healthy() with { Primary = TestData.Primary() };

        Assert.Contains("node \"node2\" (ID: 2) is not streaming from node \"node1\" (ID: 1)", Assert.Single(SwitchoverPrecheck.Evaluate(facts)));
    }

    [Fact]
    public void Precheck_refuses_when_the_candidate_is_down()
    {
        var facts = Healthy() with { Candidate = null };

        Assert.Equal("node \"node2\" (ID: 2) cannot be reached", Assert.Single(SwitchoverPrecheck.Evaluate(facts)));
    }

    [Fact]
    public void Precheck_refuses_a_delayed_candidate_and_says_how_to_undo_the_delay()
    {
        var facts = Healthy() with { Candidate = Healthy().Candidate! with { ApplyDelay = TimeSpan.FromHours(1) } };

        var problem = Assert.Single(SwitchoverPrecheck.Evaluate(facts));
        Assert.StartsWith("node \"node2\" (ID: 2) is a delayed standby (recovery_min_apply_delay = 1h): promoted, it would first replay", problem,
            StringComparison.Ordinal);
        Assert.Contains("ALTER SYSTEM RESET recovery_min_apply_delay", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Precheck_names_every_agent_that_does_not_answer()
    {
        var facts = Healthy() with { ReachableAgents = new HashSet<int> { 2 } };

        var problems = SwitchoverPrecheck.Evaluate(facts);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("the agent of node \"node1\" (ID: 1) does not answer", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("the agent of node \"node3\" (ID: 3) does not answer", StringComparison.Ordinal));
    }

    [Fact]
    public void Precheck_names_an_agent_that_answers_but_refuses_the_token_and_a_missing_token_once()
    {
        var refused = Healthy() with { AgentProblems = new Dictionary<int, string> { [1] = "its agent at https://db1:8008 refuses this node's agent_token" } };
        Assert.Equal("node \"node1\" (ID: 1) cannot be asked to act: its agent at https://db1:8008 refuses this node's agent_token",
            Assert.Single(SwitchoverPrecheck.Evaluate(refused)));

        var noToken = Healthy() with { AgentProblems = new Dictionary<int, string> { [1] = "agent_token is not set", [2] = "agent_token is not set", [3] = "agent_token is not set" } };
        Assert.Equal("node \"node1\" (ID: 1), node \"node2\" (ID: 2), node \"node3\" (ID: 3) cannot be asked to act: agent_token is not set",
            Assert.Single(SwitchoverPrecheck.Evaluate(noToken)));

        // An agent that does not answer is named once, as not answering.
        var down = refused with { ReachableAgents = new HashSet<int> { 2, 3 } };
        Assert.StartsWith("the agent of node \"node1\" (ID: 1) does not answer", Assert.Single(SwitchoverPrecheck.Evaluate(down)), StringComparison.Ordinal);
    }

    [Fact]
    public void Precheck_does_not_need_sibling_agents_without_siblings_follow()
    {
        var facts = Healthy() with { Plan = Plan with { SiblingsFollow = false }, ReachableAgents = new HashSet<int> { 1, 2 } };

        Assert.Empty(SwitchoverPrecheck.Evaluate(facts));
    }

    [Fact]
    public void Precheck_names_a_sibling_whose_server_is_not_running_when_siblings_follow()
    {
        var facts = Healthy() with { RunningSiblings = new HashSet<int>() };

        var problem = Assert.Single(SwitchoverPrecheck.Evaluate(facts));
        Assert.StartsWith("sibling node \"node3\" (ID: 3) is not running", problem, StringComparison.Ordinal);
        Assert.Empty(SwitchoverPrecheck.Evaluate(facts with { Plan = Plan with { SiblingsFollow = false } }));
    }

    [Fact]
    public void Precheck_refuses_a_candidate_that_is_the_primary()
    {
        var facts = Healthy() with { Plan = Plan with { Candidate = Plan.Primary } };

        Assert.Equal("node \"node1\" (ID: 1) is already the primary", Assert.Single(SwitchoverPrecheck.Evaluate(facts)));
    }

    [Fact]
    public void Precheck_refuses_when_the_primary_is_gone()
    {
        var facts = Healthy() with { Primary = null };

        Assert.Contains(SwitchoverPrecheck.Evaluate(facts), p => p.Contains("use \"pgward standby promote\"", StringComparison.Ordinal));
    }
}
