using System.Text.Json;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class DaemonPauseTests : PgIntegrationTest
{
    [Fact]
    public async Task Daemon_pause_reaches_every_agent_survives_an_agent_restart_and_names_an_agent_it_cannot_reach()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        await using (var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token))
        {
            var pause = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "daemon", "pause");
            Assert.True(pause.ExitCode == 0, pause.ToString());
            Assert.Contains("node 2 (node2) paused", pause.Error, StringComparison.Ordinal);
        }

        // The agents were stopped and start again: the pause is still there.
        await using (var agents = await SandboxAgents.StartAsync(sandbox, [1], Token, writeToken: false))
        {
            var status = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "daemon", "status", "--json");
            using var rows = JsonDocument.Parse(status.Out);
            var node1 = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("node_id").GetInt32() == 1);
            Assert.True(node1.GetProperty("paused").GetBoolean(), status.ToString());

            // repmgr's service status --csv: id, name, type, server running, agent running, PID, paused, priority,
            // upstream last seen, location; -1 where the agent does not answer.
            var csv = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "daemon", "status", "--csv");
            Assert.True(csv.ExitCode == 0, csv.ToString());
            var lines = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches(@"^1,node1,primary,1,1,[1-9][0-9]*,1,100,-1,default$", lines[0]);
            Assert.Equal("2,node2,standby,-1,0,-1,-1,100,-1,default", lines[1]);
            var detail = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(2), "daemon", "status", "--detail");
            Assert.Contains("| Location | Priority |", detail.Out, StringComparison.Ordinal);

            var unpause = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "daemon", "unpause");
            Assert.Equal(26, unpause.ExitCode);
            Assert.Contains("node 1 (node1) unpaused", unpause.Error, StringComparison.Ordinal);
            Assert.Contains("unable to unpause 1 of 2 nodes: node 2 (node2)", unpause.Error, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(sandbox.Config(2))!, "pgward-daemon.paused")));
            Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(sandbox.Config(1))!, "pgward-daemon.paused")));
        }
    }
}
