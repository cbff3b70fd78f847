using System.Diagnostics;
using Pgward.Core.Postgres;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Harness;

public sealed class TeardownTests : PgIntegrationTest
{
    [Fact]
    public async Task Teardown_leaves_no_postgres_process_from_the_test_directory()
    {
        await StartServerAsync("a");
        await StartServerAsync("b");
        Assert.NotEqual("", await PostgresProcesses.MentioningAsync(Directory.Path, Token));

        var problems = await ServerRegistry.StopAllAsync(Directory.Path, Token);

        Assert.Empty(problems);
        Assert.Equal("", await PostgresProcesses.WaitUntilNoneAsync(Directory.Path, TimeSpan.FromSeconds(10), Token));
        Assert.DoesNotContain(ServerRegistry.DataDirectories, d => d.StartsWith(Directory.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Teardown_stops_a_server_the_test_started_itself_once_tracked()
    {
        var template = await StartServerAsync("template");
        await template.StopAsync(immediate: false, Token);
        var env = PgTestEnvironment.Require();
        ServerRegistry.Track(template.DataDirectory);

        var start = await env.PgCtl.StartAsync(new(template.DataDirectory), template.LogFile, TimeSpan.FromSeconds(60), Token);
        Assert.True(start.Succeeded, start.Describe());
        var problems = await ServerRegistry.StopAllAsync(Directory.Path, Token);

        Assert.Empty(problems);
        Assert.Equal("", await PostgresProcesses.WaitUntilNoneAsync(Directory.Path, TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public async Task Teardown_kills_a_postmaster_that_ignores_pg_ctl_stop()
    {
        var server = await StartServerAsync("frozen");
        var pid = PostmasterPid.Read(server.DataDirectory)!.Value;
        using (var stop = Process.Start("kill", ["-STOP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await stop.WaitForExitAsync(Token);
        }

        var problem = await ServerRegistry.StopAsync(server.DataDirectory, ShutdownMode.Immediate, Token);

        Assert.NotNull(problem);
        Assert.Contains("was killed", problem, StringComparison.Ordinal);
        Assert.False(PostmasterPid.ProcessAlive(pid));
        Assert.Equal("", await PostgresProcesses.WaitUntilNoneAsync(Directory.Path, TimeSpan.FromSeconds(20), Token));
    }
}
