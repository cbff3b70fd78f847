using Pgward.Cluster.Backups;
using Xunit;

namespace Pgward.UnitTests.Cluster.Backups;

public sealed class WalFetchCommandTests
{
    [Fact]
    public void The_restore_command_names_pgward_its_configuration_and_the_endpoint_quoted_for_the_shell_where_needed() =>
        Assert.Equal("/usr/bin/pgward -f '/etc/pg ward/pgward.conf' backup wal-fetch --server https://backup1:8058 %f %p",
            WalFetchCommand.Render(["/usr/bin/pgward"], "/etc/pg ward/pgward.conf", "https://backup1:8058"));

    [Fact]
    public void Under_dotnet_the_assembly_follows_the_executable() =>
        Assert.StartsWith("/usr/bin/dotnet /opt/pgward/pgward.dll -f ",
            WalFetchCommand.Render(["/usr/bin/dotnet", "/opt/pgward/pgward.dll"], "/etc/pgward.conf", "https://b:1"), StringComparison.Ordinal);
}
