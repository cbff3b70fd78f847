using Pgward.Cluster.Backups;
using Pgward.Core.Metadata;
using Xunit;

namespace Pgward.UnitTests.Cluster.Backups;

public sealed class BackupEndpointsTests
{
    private static BackupServerRecord Server(string name, string? endpoint) =>
        new(name, "host", "/srv/backup", "pgward_backup", "/etc/pgward/pgward.conf", default, default, null, null, endpoint);

    [Fact]
    public void The_only_backup_server_is_chosen_without_a_name()
    {
        Assert.Equal(("https://10.0.0.5:8008", null), BackupEndpoints.Choose([Server("backup", "https://10.0.0.5:8008")], null));
    }

    [Fact]
    public void Two_backup_servers_need_a_name()
    {
        var servers = new[] { Server("a", "https://10.0.0.5:8008"), Server("b", "https://10.0.0.6:8008") };
        var (url, problem) = BackupEndpoints.Choose(servers, null);
        Assert.Null(url);
        Assert.Contains("2 backup servers are registered (a, b): name one with --backup-server", problem, StringComparison.Ordinal);
        Assert.Equal("https://10.0.0.6:8008", BackupEndpoints.Choose(servers, "b").Url);
    }

    [Fact]
    public void A_backup_server_without_endpoint_or_none_at_all_says_what_to_do()
    {
        Assert.Contains("set agent_token", BackupEndpoints.Choose([Server("backup", null)], null).Problem, StringComparison.Ordinal);
        Assert.Contains("pgward backup register", BackupEndpoints.Choose([], null).Problem, StringComparison.Ordinal);
        Assert.Contains("no backup server named \"x\" is registered (registered: backup)", BackupEndpoints.Choose([Server("backup", null)], "x").Problem,
            StringComparison.Ordinal);
    }
}
