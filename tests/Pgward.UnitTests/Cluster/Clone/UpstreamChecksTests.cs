using Pgward.Cluster.Clone;
using Pgward.Core.Postgres;
using Xunit;
using static Pgward.UnitTests.Cluster.TestData;

namespace Pgward.UnitTests.Cluster.Clone;

public class UpstreamChecksTests
{
    private static IReadOnlyList<CloneCheck> Evaluate(ServerFacts facts, bool useSlots = true, bool force = false) =>
        UpstreamChecks.Evaluate(facts, localMajorVersion: 15, useSlots, slotName: "pgward_slot_2", force);

    private static CloneCheck Named(IReadOnlyList<CloneCheck> checks, string name) => checks.Single(c => c.Name == name);

    [Fact]
    public void Evaluate_passes_every_check_when_upstream_is_fit()
    {
        var checks = Evaluate(Primary());

        Assert.Equal(["server version", "wal_level", "max_wal_senders", "replication slots"], checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Passed, c.Message));
    }

    [Fact]
    public void Evaluate_names_every_failing_check_when_several_fail()
    {
        var facts = Primary() with
        {
            ServerVersion = "14.12",
            ServerVersionNum = 140012,
            WalLevel = "minimal",
            MaxWalSenders = 0,
            MaxReplicationSlots = 1,
            Slots = [new SlotInfo("other", "physical", true)],
        };

        var failed = Evaluate(facts).Where(c => !c.Passed).Select(c => c.Name);

        Assert.Equal(["server version", "wal_level", "max_wal_senders", "replication slots"], failed);
    }

    [Fact]
    public void Evaluate_fails_server_version_and_says_what_to_set_when_major_versions_differ()
    {
        var check = Named(Evaluate(Primary() with { ServerVersion = "16.4", ServerVersionNum = 160004 }), "server version");

        Assert.False(check.Passed);
        Assert.Contains("16.4", check.Message, StringComparison.Ordinal);
        Assert.Contains("pg_bindir", check.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("minimal", false)]
    [InlineData("replica", true)]
    [InlineData("logical", true)]
    public void Evaluate_requires_replica_or_logical_wal_level(string walLevel, bool passed)
    {
        Assert.Equal(passed, Named(Evaluate(Primary() with { WalLevel = walLevel }), "wal_level").Passed);
    }

    [Fact]
    public void Evaluate_fails_max_wal_senders_when_it_is_zero()
    {
        var check = Named(Evaluate(Primary() with { MaxWalSenders = 0 }), "max_wal_senders");

        Assert.False(check.Passed);
        Assert.StartsWith("max_wal_senders is 0 on the upstream", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_fails_max_wal_senders_when_fewer_than_two_are_free()
    {
        var check = Named(Evaluate(Primary() with { MaxWalSenders = 10, WalSendersInUse = 9 }), "max_wal_senders");

        Assert.False(check.Passed);
        Assert.StartsWith("1 of 10 WAL senders are free", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_passes_max_wal_senders_when_exactly_two_are_free()
    {
        Assert.True(Named(Evaluate(Primary() with { MaxWalSenders = 4, WalSendersInUse = 2 }), "max_wal_senders").Passed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_fails_slot_check_when_slot_exists_and_is_active_even_with_force(bool force)
    {
        var facts = Primary() with { Slots = [new SlotInfo("pgward_slot_2", "physical", true)] };

        var check = Named(Evaluate(facts, force: force), "replication slots");

        Assert.False(check.Passed);
        Assert.Contains("is in use", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_fails_slot_check_and_mentions_force_when_slot_exists_inactive()
    {
        var facts = Primary() with { Slots = [new SlotInfo("pgward_slot_2", "physical", false)] };

        var check = Named(Evaluate(facts), "replication slots");

        Assert.False(check.Passed);
        Assert.Contains("--force", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_passes_slot_check_when_slot_exists_inactive_and_force_is_given()
    {
        var facts = Primary() with { Slots = [new SlotInfo("pgward_slot_2", "physical", false)] };

        var check = Named(Evaluate(facts, force: true), "replication slots");

        Assert.True(check.Passed);
        Assert.Contains("dropped and created again", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_fails_slot_check_when_every_slot_is_used()
    {
        var facts = Primary() with
        {
            MaxReplicationSlots = 2,
            Slots = [new SlotInfo("a", "physical", true), new SlotInfo("b", "logical", true)],
        };

        var check = Named(Evaluate(facts), "replication slots");

        Assert.False(check.Passed);
        Assert.Contains("max_replication_slots", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_skips_slot_check_when_slots_are_not_used()
    {
        var facts = Primary() with { MaxReplicationSlots = 0 };

        Assert.DoesNotContain(Evaluate(facts, useSlots: false), c => c.Name == "replication slots");
    }

    [Fact]
    public void Evaluate_adds_passing_note_when_hot_standby_is_off()
    {
        var check = Named(Evaluate(Primary() with { HotStandby = false }), "hot_standby");

        Assert.True(check.Passed);
    }
}
