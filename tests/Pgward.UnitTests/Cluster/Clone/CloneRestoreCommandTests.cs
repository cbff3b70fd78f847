using Pgward.Cluster.Clone;
using Pgward.Core.Metadata;
using Xunit;

namespace Pgward.UnitTests.Cluster.Clone;

public sealed class CloneRestoreCommandTests
{
    private static BackupServerRecord Server(string name, string? endpoint) =>
        new(name, "host", "/srv/backup", "pgward_backup", "/etc/pgward/pgward.conf", default, default, null, null, endpoint);

    [Fact]
    public void No_backup_server_means_no_restore_command_and_no_refusal()
    {
        var (url, check) = CloneRestoreCommand.Choose([], null);
        Assert.Null(url);
        Assert.True(check.Passed);
        Assert.Contains("no restore_command", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_only_backup_server_with_an_endpoint_is_the_one()
    {
        var (url, check) = CloneRestoreCommand.Choose([Server("backup", "https://10.0.0.5:8058")], null);
        Assert.Equal("https://10.0.0.5:8058", url);
        Assert.True(check.Passed);
        Assert.Contains("\"backup\" at https://10.0.0.5:8058", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_need_backup_server_and_a_wrong_name_is_refused_before_anything_is_written()
    {
        BackupServerRecord[] servers = [Server("a", "https://10.0.0.5:8058"), Server("b", "https://10.0.0.6:8058")];
        var (none, several) = CloneRestoreCommand.Choose(servers, null);
        Assert.Null(none);
        Assert.False(several.Passed);
        Assert.Contains("--backup-server", several.Message, StringComparison.Ordinal);
        Assert.Equal("https://10.0.0.6:8058", CloneRestoreCommand.Choose(servers, "b").Url);
        var (_, unknown) = CloneRestoreCommand.Choose(servers, "c");
        Assert.False(unknown.Passed);
        Assert.Contains("no backup server named \"c\" is registered (registered: a, b)", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backup_server_without_endpoint_leaves_the_standby_streaming_only()
    {
        var (url, check) = CloneRestoreCommand.Choose([Server("backup", null)], null);
        Assert.Null(url);
        Assert.True(check.Passed);
        Assert.Contains("serves no endpoint", check.Message, StringComparison.Ordinal);
    }
}
