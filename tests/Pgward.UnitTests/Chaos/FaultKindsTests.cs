using Pgward.Testing.Chaos;
using Xunit;

namespace Pgward.UnitTests.Chaos;

public sealed class FaultKindsTests
{
    [Fact]
    public void Every_fault_kind_has_an_id_that_parses_back()
    {
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            Assert.Equal(kind, FaultKinds.Parse(kind.Id()));
        }
        Assert.Equal("asymmetric-cut", FaultKind.AsymmetricCut.Id());
        Assert.Equal(["kill-agent-stay", "freeze-agent", "stop-agent", "kill-dead-man-switch"],
            new[] { FaultKind.KillAgentStay, FaultKind.FreezeAgent, FaultKind.StopAgent, FaultKind.KillDeadManSwitch }.Select(k => k.Id()));
    }

    [Fact]
    public void Only_the_backup_server_faults_need_a_backup_server()
    {
        var needing = Enum.GetValues<FaultKind>().Where(k => k.UsesBackupServer()).Select(k => k.Id());

        Assert.Equal(["kill-backup-server", "kill-base-backup", "fill-archive-disk", "kill-primary-during-backup"], needing);
    }

    [Fact]
    public void Parse_names_the_known_ids_for_an_unknown_one()
    {
        var error = Assert.Throws<ArgumentException>(() => FaultKinds.Parse("explode"));

        Assert.Contains("unknown fault 'explode': use one of kill-postgres, kill-agent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultTarget_node_carries_its_id_and_the_others_none()
    {
        Assert.Equal(3, FaultTarget.Node(3).NodeId);
        Assert.Equal("node:3", FaultTarget.Node(3).ToString());
        Assert.Null(FaultTarget.Primary.NodeId);
    }
}
