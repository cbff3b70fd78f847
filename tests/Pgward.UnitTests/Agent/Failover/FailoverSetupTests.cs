using Pgward.Agent.Failover;
using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class FailoverSetupTests
{
    private static NodeRecord Node(int id, NodeType type, string location = "default", int port = 5500) =>
        new(id, type == NodeType.Primary ? null : 1, true, $"node{id}", type, location, 100,
            $"host=127.0.0.1 port={port + id} user=pgward dbname=pgward", "pgward", null, "")
        { AgentUrl = $"http://127.0.0.1:{6500 + id}" };

    private static readonly NodeRecord[] Cluster =
        [Node(1, NodeType.Primary), Node(2, NodeType.Standby), Node(3, NodeType.Standby), Node(4, NodeType.Witness)];

    private static NodeOptions Options(int id) => new() { NodeId = id, NodeName = $"node{id}", AgentToken = "t", Failover = FailoverMode.Automatic };

    [Fact]
    public void Defaults_give_a_quarter_second_heartbeat_a_one_and_a_half_second_fence_a_two_second_lease_and_detection()
    {
        var timings = FailoverSetup.Timings(new NodeOptions());
        Assert.Equal(TimeSpan.FromMilliseconds(250), timings.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), timings.FenceTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), timings.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(2), timings.FailoverTimeout);
        timings.Validate();
    }

    [Fact]
    public void Three_data_nodes_vote_without_the_witness_with_a_majority_of_two_and_any_one_standby_in_sync_mode()
    {
        var (setup, problem) = FailoverSetup.From(Options(2), Cluster);
        Assert.Null(problem);
        Assert.Equal([1, 2, 3], setup!.Voters.Select(v => v.NodeId));
        Assert.Equal(2, setup.Majority);
        Assert.Equal(1, setup.SyncStandbyCount);
        Assert.Equal(1, setup.PrimaryId);
    }

    [Fact]
    public void Witness_beside_three_data_nodes_does_not_vote_and_runs_no_failover()
    {
        var (setup, problem) = FailoverSetup.From(Options(4), Cluster);
        Assert.Null(setup);
        Assert.Equal("this witness does not vote: 3 data nodes already make an odd number of voters", problem);
    }

    [Fact]
    public void Witness_beside_two_data_nodes_breaks_the_tie_and_never_stands()
    {
        NodeRecord[] cluster = [Node(1, NodeType.Primary), Node(2, NodeType.Standby), Node(3, NodeType.Witness)];
        var (setup, problem) = FailoverSetup.From(Options(3), cluster);
        Assert.Null(problem);
        Assert.Equal([1, 2, 3], setup!.Voters.Select(v => v.NodeId));
        Assert.True(setup.Profile.IsWitness);
        Assert.False(setup.Profile.CanStand);
        Assert.Equal(2, setup.Majority);
        Assert.Equal(1, setup.SyncStandbyCount);
        Assert.Equal(["node2"], SyncStandbys.Names(setup.Voters, 1));
    }

    [Fact]
    public void Four_data_nodes_and_a_witness_make_five_voters_with_a_majority_of_three_and_any_two_standbys_in_sync_mode()
    {
        NodeRecord[] cluster = [.. Cluster.Take(3), Node(4, NodeType.Standby), Node(5, NodeType.Witness)];
        var (setup, _) = FailoverSetup.From(Options(5), cluster);
        Assert.Equal([1, 2, 3, 4, 5], setup!.Voters.Select(v => v.NodeId));
        Assert.Equal(3, setup.Majority);
        Assert.Equal(2, setup.SyncStandbyCount);
    }

    [Fact]
    public void A_node_outside_the_primarys_location_never_stands()
    {
        var (setup, _) = FailoverSetup.From(Options(2) with { Location = "dc2" }, Cluster);
        Assert.False(setup!.Profile.CanStand);
    }

    [Fact]
    public void Without_an_agent_token_or_with_timings_that_break_the_guarantee_failover_is_off_with_the_fix()
    {
        Assert.Contains("agent_token", FailoverSetup.From(Options(2) with { AgentToken = "" }, Cluster).Problem, StringComparison.Ordinal);
        var slowDetection = Options(2) with { FenceTimeout = TimeSpan.FromSeconds(5) };
        Assert.Contains("fence_timeout", FailoverSetup.From(slowDetection, Cluster).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Sync_mode_names_the_other_data_nodes_and_counts_what_k_of_them_flushed()
    {
        var names = SyncStandbys.Names(Cluster, 1);
        Assert.Equal("ANY 1 (\"node2\", \"node3\")", SyncStandbys.Setting(names, 1));
        var seen = new LocalObservation(true, false, false, 1, Lsn.Parse("0/5000"), "", false, "",
            [("node2", Lsn.Parse("0/4000")), ("node3", Lsn.Parse("0/3000")), ("backup", Lsn.Parse("0/4800"))]);
        Assert.Equal(Lsn.Parse("0/4000"), LocalStatusMapper.SyncAcknowledged(seen, names, 1));
        Assert.Equal(Lsn.Parse("0/3000"), LocalStatusMapper.SyncAcknowledged(seen, names, 2));
        Assert.Equal(Lsn.Invalid, LocalStatusMapper.SyncAcknowledged(seen, names, 3));
    }

    [Fact]
    public void A_primary_in_recovery_under_the_guard_is_a_guarded_primary_and_a_plain_standby_is_not()
    {
        var guarded = new LocalObservation(true, InRecovery: true, Guarded: true, 1, Lsn.Parse("0/5000"), "", false, "", []);
        Assert.Equal(new Pgward.Failover.LocalStatus(true, true, 1, 0x5000, 0x5000, Guarded: true), LocalStatusMapper.Map(guarded, Cluster, null));
        var standby = guarded with { Guarded = false };
        Assert.False(LocalStatusMapper.Map(standby, Cluster, null).Guarded);
        Assert.False(LocalStatusMapper.Map(standby with { InRecovery = false }, Cluster, null).Guarded);
    }

    [Fact]
    public void A_standby_upstream_is_the_node_whose_host_and_port_its_primary_conninfo_names()
    {
        Assert.Equal(2, LocalStatusMapper.UpstreamOf("host=127.0.0.1 port=5502 user=repl application_name=node3", Cluster));
        Assert.Null(LocalStatusMapper.UpstreamOf("", Cluster));
        Assert.Null(LocalStatusMapper.UpstreamOf("host=10.0.0.9 port=5502", Cluster));
    }

    [Fact]
    public void A_standby_upstream_kept_from_the_last_answer_follows_a_new_conninfo_and_a_new_node_list()
    {
        const string conninfo = "host=127.0.0.1 port=5502 user=repl";
        Assert.Equal(2, LocalStatusMapper.UpstreamOf(conninfo, Cluster));
        Assert.Equal(2, LocalStatusMapper.UpstreamOf(conninfo, Cluster));
        Assert.Equal(3, LocalStatusMapper.UpstreamOf("host=127.0.0.1 port=5503 user=repl", Cluster));
        // The same conninfo in a cluster whose node 2 moved: the new list is read, not the last answer.
        NodeRecord[] moved = [Node(1, NodeType.Primary), Node(2, NodeType.Standby, port: 6500), Node(3, NodeType.Standby)];
        Assert.Null(LocalStatusMapper.UpstreamOf(conninfo, moved));
        Assert.Equal(2, LocalStatusMapper.UpstreamOf(conninfo, Cluster));
    }
}
