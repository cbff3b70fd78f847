using Pgward.Agent.Dashboard;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Backups;
using Pgward.Cluster.Show;
using Pgward.Core.Metadata;
using Xunit;

namespace Pgward.UnitTests.Agent.Dashboard;

public sealed class DashboardShaperTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static NodeRecord Record(int id, NodeType type, int? upstream = null) =>
        new(id, upstream, true, $"node{id}", type, "default", 100, $"host=h{id}", "pgward", null, "/etc/pgward.conf")
        {
            AgentUrl = $"https://h{id}:8008",
        };

    private static ClusterRow Row(int id, string role, bool reachable, bool? inRecovery, string status = "* running") =>
        new(id, $"node{id}", role, status, "", "default", 100, "1", $"host=h{id}", reachable, inRecovery, true, null);

    private static AgentReply<NodeReport> Agent(int id, string role, bool running, long? term = 4, long? lag = null, bool fenced = false) =>
        new(true, 200, new NodeReport(id, $"node{id}", role, running, null, 2, "0/3000000", null, null, running && role == "standby" ? "streaming" : null,
            lag, null, fenced, "1.0", 100 + id, FailoverTerm: term, FailoverState: running ? role : "down"), null);

    private static DashboardInputs Inputs(IReadOnlyList<NodeRecord>? nodes, ClusterReport? show = null,
        Dictionary<int, AgentReply<NodeReport>>? agents = null, IReadOnlyList<EventRecord>? events = null,
        IReadOnlyList<BackupServerRecord>? servers = null, Dictionary<string, ArchiveSlot>? slots = null,
        Dictionary<string, AgentReply<IReadOnlyList<BackupSummary>>>? lists = null) =>
        new(Now, "node \"node1\" (ID: 1)", nodes, nodes is null ? "no node reachable" : null, show, agents ?? [], events ?? [],
            (servers ?? [], Now), slots ?? [], lists ?? []);

    [Fact]
    public void A_promoted_standby_shows_as_primary_before_its_record_says_so_and_a_dead_primary_as_down()
    {
        var nodes = new[] { Record(1, NodeType.Primary), Record(2, NodeType.Standby, upstream: 1), Record(3, NodeType.Standby, upstream: 1) };
        var show = new ClusterReport([Row(1, "primary", false, null, "- failed"), Row(2, "standby", true, false, "! running as primary"), Row(3, "standby", true, true)],
            ["node \"node2\" (ID: 2) is registered as standby but running as primary"], "node ID 2");
        var agents = new Dictionary<int, AgentReply<NodeReport>>
        {
            [1] = Agent(1, "unknown", running: false),
            // Its agent's probe is older than the connection cluster show just made: the connection wins.
            [2] = Agent(2, "standby", running: true, term: 5),
            [3] = Agent(3, "standby", running: true, lag: 1024),
        };

        var state = DashboardShaper.Shape(Inputs(nodes, show, agents));

        Assert.Equal(["down", "primary", "standby"], state.Nodes.Select(n => n.Role));
        Assert.Equal(["primary", "standby", "standby"], state.Nodes.Select(n => n.RegisteredRole));
        Assert.Equal(["- failed", "! running as primary", "* running"], state.Nodes.Select(n => n.Status));
        Assert.Equal([null, "node1", "node1"], state.Nodes.Select(n => n.UpstreamName));
        Assert.Equal([4L, 5L, 4L], state.Nodes.Select(n => n.FailoverTerm));
        Assert.Equal(1024, state.Nodes[2].LagBytes);
        Assert.All(state.Nodes, n => Assert.Null(n.AgentProblem));
        Assert.Single(state.Warnings);
        Assert.Null(state.Problem);
    }

    [Fact]
    public void Without_a_connection_the_agents_word_counts_and_an_agent_that_did_not_answer_is_named()
    {
        var nodes = new[] { Record(1, NodeType.Primary), Record(2, NodeType.Standby, upstream: 1), Record(3, NodeType.Witness) with { AgentUrl = null } };
        var agents = new Dictionary<int, AgentReply<NodeReport>>
        {
            [1] = Agent(1, "primary", running: true, fenced: true),
            [2] = AgentReply<NodeReport>.Unreachable("agent at https://h2:8008 did not answer within 1.5 s"),
        };

        var state = DashboardShaper.Shape(Inputs(nodes, show: null, agents));

        Assert.Equal(["primary", "down", "down"], state.Nodes.Select(n => n.Role));
        Assert.True(state.Nodes[0].Fenced);
        Assert.Equal([null, "agent at https://h2:8008 did not answer within 1.5 s", "no agent URL registered"], state.Nodes.Select(n => n.AgentProblem));
        Assert.Null(state.Nodes[1].FailoverTerm);
        Assert.Equal(["unknown", "unknown", "unknown"], state.Nodes.Select(n => n.Status));
    }

    [Fact]
    public void A_reachable_witness_is_a_witness()
    {
        var state = DashboardShaper.Shape(Inputs([Record(4, NodeType.Witness)], new ClusterReport([Row(4, "witness", true, false)], [], "local")));

        Assert.Equal("witness", state.Nodes.Single().Role);
    }

    [Fact]
    public void Unreadable_metadata_is_the_problem_with_nothing_listed()
    {
        var state = DashboardShaper.Shape(Inputs(null));

        Assert.Equal("no node reachable", state.Problem);
        Assert.Empty(state.Nodes);
        Assert.Empty(state.Events);
        Assert.Equal("node \"node1\" (ID: 1)", state.ServedBy);
    }

    [Fact]
    public void Events_and_backups_are_cut_to_the_newest_and_the_backup_servers_carry_their_slot_and_their_endpoints_answer()
    {
        var events = Enumerable.Range(0, 40).Select(i => new EventRecord(1, "node1", "standby_follow", true, Now.AddSeconds(-i), null)).ToList();
        var servers = new[]
        {
            new BackupServerRecord("archive", "b1", "/var/lib/pgward", "pgward_backup", "/etc/pgward.conf", Now.AddDays(-1), Now.AddMinutes(-1),
                "20261205T110000", Now.AddHours(-1), "https://b1:8008"),
            new BackupServerRecord("old", "b2", "/srv/backup", "pgward_old", "/etc/pgward.conf", Now.AddDays(-9), Now.AddHours(-5), null, null),
        };
        var backups = Enumerable.Range(0, 8).Select(i => new BackupSummary($"2026120{i}T000000", null, "DONE", "files", null, 1, null, null, Now, Now, 1)).ToList();

        var state = DashboardShaper.Shape(Inputs([Record(1, NodeType.Primary)], events: events, servers: servers,
            slots: new() { ["pgward_backup"] = new ArchiveSlot(true, 8192) },
            lists: new() { ["archive"] = new AgentReply<IReadOnlyList<BackupSummary>>(true, 200, backups, null) }));

        Assert.Equal(DashboardShaper.EventCount, state.Events.Count);
        Assert.Equal(Now, state.Events[0].Timestamp);
        var (archive, old) = (state.BackupServers[0], state.BackupServers[1]);
        Assert.Equal(("archive", "* running", true, 8192L, DashboardShaper.BackupCount, (string?)null),
            (archive.Name, archive.Status, archive.WalStreaming, archive.ArchiveLagBytes, archive.Backups!.Count, archive.EndpointProblem));
        Assert.StartsWith("? not seen for 5 hours", old.Status, StringComparison.Ordinal);
        Assert.Null(old.WalStreaming);
        Assert.Null(old.Backups);
        Assert.Contains("no endpoint", old.EndpointProblem, StringComparison.Ordinal);
    }
}
