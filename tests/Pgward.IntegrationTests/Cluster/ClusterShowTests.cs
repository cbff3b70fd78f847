using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class ClusterShowTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Cluster_show_on_a_restarted_old_primary_reads_the_metadata_of_the_new_primary()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        await sandbox.KillPostmasterAsync(1, Token);
        var promote = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "standby", "promote");
        Assert.True(promote.ExitCode == 0, promote.ToString());
        // The old primary comes back as it was, on its old timeline, with its own copy of the metadata (node1 primary).
        await sandbox.StartServerAsync(1, Token);

        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show");

        Assert.Contains("metadata read from node2 (primary, timeline 2)", show.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("node \"node2\" (ID: 2) is registered as standby but running as primary", show.Error, StringComparison.Ordinal);
        Assert.Contains("| node2 | primary | * running |", show.Out, StringComparison.Ordinal);
        // What is really wrong is still said: the old primary runs, as a second primary.
        Assert.Contains("more than one node is running as primary", show.Error, StringComparison.Ordinal);
        Assert.Equal(25, show.ExitCode);
    }
}
