using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class UnregisterTests : PgIntegrationTest
{
    [Fact]
    public async Task Standby_unregister_removes_the_record_and_primary_unregister_refuses_a_running_primary()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);

        var refused = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "primary", "unregister");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("node \"node1\" (ID: 1) is running as primary", refused.Error, StringComparison.Ordinal);

        var wrongType = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "standby", "unregister", "--node-id", "1");
        Assert.Equal(1, wrongType.ExitCode);
        Assert.Contains("is registered as primary, not standby", wrongType.Error, StringComparison.Ordinal);

        var dryRun = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "standby", "unregister", "--node-id", "3", "--dry-run");
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("| node3 ", (await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show")).Out, StringComparison.Ordinal);

        var unregister = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "standby", "unregister", "--node-id", "3");
        Assert.True(unregister.ExitCode == 0, unregister.ToString());
        var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "show");
        Assert.Equal(0, show.ExitCode);
        Assert.DoesNotContain("| node3 ", show.Out, StringComparison.Ordinal);
        var events = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "event", "--event", "standby_unregister", "--csv");
        Assert.StartsWith("3,,standby_unregister,t,", events.Out, StringComparison.Ordinal);
    }
}
