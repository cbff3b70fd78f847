using System.Net;
using System.Net.Sockets;
using Pgward.Cluster.Agents;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Agent;

/// <summary>
/// <c>daemon run</c> as the executable, to see what it prints: the agent's console logger writes to the process's own
/// output, not to the command's writers.
/// </summary>
public sealed class AgentProcessTests : PgIntegrationTest
{
    private const string AgentSecret = "it-s3cret";

    [Fact]
    public async Task Daemon_run_prints_only_the_cannot_listen_line_when_its_port_is_taken()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        // No server is needed: the agent listens before it probes anything.
        var config = await NodeConfig.WriteAsync(Path.Combine(Directory.Path, "pgward.conf"), 1, "node1",
            $"host=127.0.0.1 port={FreePort.Next()} user=postgres dbname=postgres connect_timeout=1", Path.Combine(Directory.Path, "data"),
            Token, ("agent_port", $"{port}"), ("agent_token", AgentSecret));

        using var agent = AgentProcess.Start(Directory.Path, "-f", config, "daemon", "run");
        var (exitCode, output) = await agent.WaitAsync(Token);

        Assert.True(exitCode != 0, output);
        Assert.Contains($"the agent cannot listen on http://127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.Contains("address already in use", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_control_rejoin_answers_409_with_the_reason_and_logs_the_action_by_name()
    {
        var sandbox = await Sandbox.UpAsync(Directory, 1, Token);
        await NodeConfig.SetAsync(sandbox.Config(1), Token, $"agent_token = {AgentSecret}");
        using var agent = AgentProcess.Start(Directory.Path, "-f", sandbox.Config(1), "daemon", "run");
        using var client = sandbox.Client(AgentSecret);
        await Sql.WaitUntilAsync(async () =>
        {
            Assert.False(agent.HasExited, agent.Output);
            return (await client.GetHealthAsync(sandbox.AgentUrl(1), "liveness", Token, TimeSpan.FromSeconds(1))).Succeeded;
        }, Token);

        // The local server runs: a rejoin is refused before anything is done.
        var reply = await client.PostControlAsync(sandbox.AgentUrl(1), "rejoin", new RejoinBody(sandbox.Conninfo(1)),
            AgentJson.Context.RejoinBody, Token, TimeSpan.FromSeconds(60));
        var (_, output) = await agent.StopAsync(Token);

        Assert.Equal(409, reply.StatusCode);
        Assert.False(reply.Body!.Ok);
        Assert.Contains("the local server is running", reply.Body.Error, StringComparison.Ordinal);
        Assert.Contains("control rejoin failed: the local server is running", output, StringComparison.Ordinal);
        Assert.DoesNotContain("control control", output, StringComparison.Ordinal);
    }
}
