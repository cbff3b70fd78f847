using System.Text.Json;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Show;
using Pgward.Core.Metadata;
using Xunit;

namespace Pgward.UnitTests.Cluster.Show;

public sealed class BackupServerRowsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static BackupServerRecord Server(string name, TimeSpan seenAgo, string? lastBackup = null) =>
        new(name, "host-" + name, "/var/lib/pgward/" + name, "pgward_backup", "/etc/pgward.conf",
            Now.AddDays(-1), Now - seenAgo, lastBackup, lastBackup is null ? null : Now.AddHours(-1));

    [Fact]
    public void Backup_server_seen_within_three_minutes_is_running_and_older_ones_say_for_how_long_they_were_not_seen()
    {
        var rows = BackupServerRows.From(
            [Server("c", TimeSpan.FromDays(3)), Server("a", TimeSpan.FromSeconds(70), "20261125T110000"), Server("b", TimeSpan.FromMinutes(4))], Now);

        Assert.Equal(["a", "b", "c"], rows.Select(r => r.Name));
        Assert.Equal(["* running", "? not seen for 4 min", "? not seen for 3 days"], rows.Select(r => r.Status));
        Assert.Equal(["20261125T110000", "none", "none"], rows.Select(r => r.LastBackup));
    }

    [Fact]
    public void Json_of_a_cluster_without_backup_servers_has_no_backup_servers_property()
    {
        var report = new ClusterReport([], [], "the local node");
        var without = JsonSerializer.Serialize(ClusterShowJson.From(report), AgentJson.Context.ClusterShowJson);
        Assert.DoesNotContain("backup_servers", without, StringComparison.Ordinal);

        var with = JsonSerializer.Serialize(
            ClusterShowJson.From(report with { BackupServers = BackupServerRows.From([Server("a", TimeSpan.Zero)], Now) }),
            AgentJson.Context.ClusterShowJson);
        Assert.Contains("\"backup_servers\":[{\"name\":\"a\"", with, StringComparison.Ordinal);
    }
}
