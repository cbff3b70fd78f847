using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public sealed class NodeDirectoryClaimTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pgward-claim-").FullName;

    private NodeOptions Node(int id, string name) =>
        new() { NodeId = id, NodeName = name, ConfigFile = Path.Combine(directory, $"{name}.conf") };

    [Fact]
    public void Claim_marks_an_unclaimed_directory_and_lets_its_own_node_in_again()
    {
        Assert.Null(NodeDirectoryClaim.Claim(Node(1, "db1")));
        Assert.Null(NodeDirectoryClaim.Claim(Node(1, "db1")));
        Assert.Equal("node_id=1\nnode_name=db1\n", File.ReadAllText(Path.Combine(directory, NodeDirectoryClaim.FileName)));
    }

    [Fact]
    public void Claim_refuses_a_second_node_whose_config_shares_the_directory_and_changes_nothing()
    {
        Assert.Null(NodeDirectoryClaim.Claim(Node(1, "db1")));

        var refusal = NodeDirectoryClaim.Claim(Node(2, "db2"));

        Assert.Equal($"the directory {directory} holds the agent state of node 1 (db1), but this configuration is node 2 (db2)", refusal);
        Assert.Equal("node_id=1\nnode_name=db1\n", File.ReadAllText(Path.Combine(directory, NodeDirectoryClaim.FileName)));
        Assert.Contains("a directory of its own", NodeDirectoryClaim.Fix(Node(2, "db2").ConfigFile), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_refuses_a_claim_it_cannot_read()
    {
        Assert.NotNull(NodeDirectoryClaim.Decide("garbage", 1, "db1", Path.Combine(directory, NodeDirectoryClaim.FileName)));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
