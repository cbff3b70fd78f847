using System.Text.Json;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

public sealed class MonitoringTests : PgIntegrationTest
{
    [Fact]
    public async Task Daemon_records_monitoring_history_and_reports_when_the_standby_last_saw_its_upstream()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        await File.AppendAllTextAsync(sandbox.Config(2), "monitoring_history = true\nmonitor_interval_secs = 1\n", Token);
        await using var agents = await SandboxAgents.StartAsync(sandbox, [1, 2], Token);

        await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(sandbox.ConnectionString(1),
            "select count(*) from pgward.monitoring_history where primary_node_id = 1 and standby_node_id = 2", Token) >= 2, Token);
        var status = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "daemon", "status", "--json");
        using var rows = JsonDocument.Parse(status.Out);
        var standby = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("node_id").GetInt32() == 2);
        var primary = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("node_id").GetInt32() == 1);
        Assert.InRange(standby.GetProperty("upstream_last_seen_seconds_ago").GetDouble(), 0, 5);
        Assert.Equal(JsonValueKind.Null, primary.GetProperty("upstream_last_seen_seconds_ago").ValueKind);

        var cleanup = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(1), "cluster", "cleanup");
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
    }
}
