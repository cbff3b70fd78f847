using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class MatrixTests(ITestOutputHelper output) : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Matrix_shows_every_link_and_which_fail_when_a_node_and_its_agent_are_down()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 3, Token);
        await using (var all = await SandboxAgents.StartAsync(sandbox, [1, 2, 3], Token))
        {
            var healthy = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "matrix");
            output.WriteLine(healthy.ToString());
            Assert.True(healthy.ExitCode == 0, healthy.ToString());
            Assert.Contains(" node1 | 1  | * | * | *", healthy.Out, StringComparison.Ordinal);
            Assert.Contains(" node3 | 3  | * | * | *", healthy.Out, StringComparison.Ordinal);
            var crosscheck = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "cluster", "crosscheck", "--csv");
            Assert.True(crosscheck.ExitCode == 0, crosscheck.ToString());
            Assert.Contains("3,1,0", crosscheck.Out, StringComparison.Ordinal);
        }

        Assert.Null(await ServerRegistry.StopAsync(sandbox.DataDirectory(3), Core.Postgres.ShutdownMode.Fast, Token));
        await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token);

        var matrix = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "matrix");
        output.WriteLine(matrix.ToString());
        Assert.True(matrix.ExitCode == 25, matrix.ToString());
        Assert.Contains(" node1 | 1  | * | * | x", matrix.Out, StringComparison.Ordinal);
        Assert.Contains(" node2 | 2  | * | * | x", matrix.Out, StringComparison.Ordinal);
        Assert.Contains(" node3 | 3  | ? | ? | ?", matrix.Out, StringComparison.Ordinal);

        var csv = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "matrix", "--csv");
        Assert.Equal(25, csv.ExitCode);
        Assert.Contains("1,3,-1", csv.Out, StringComparison.Ordinal);
        Assert.Contains("3,1,-2", csv.Out, StringComparison.Ordinal);

        var crosscheckDown = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "cluster", "crosscheck");
        output.WriteLine(crosscheckDown.ToString());
        Assert.True(crosscheckDown.ExitCode == 25, crosscheckDown.ToString());
        Assert.Contains("node 3 inaccessible via its agent", crosscheckDown.Error, StringComparison.Ordinal);
        Assert.Contains(" node1 | 1  | * | * | x", crosscheckDown.Out, StringComparison.Ordinal);
        Assert.Contains(" node3 | 3  | ? | ? | ?", crosscheckDown.Out, StringComparison.Ordinal);
    }
}
