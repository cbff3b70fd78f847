using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Harness;

public sealed class PgServerTests : PgIntegrationTest
{
    [Fact]
    public async Task PgServer_starts_and_answers_queries_as_postgres_user()
    {
        var server = await StartServerAsync("primary");

        Assert.Equal(1, await server.QueryScalarAsync<int>("select 1", Token));
        Assert.Equal("postgres", await server.QueryScalarAsync<string>("select current_user", Token));
        Assert.Equal("15", (await server.QueryScalarAsync<string>("show server_version", Token)).Split('.')[0]);
        var pid = PostmasterPid.Read(server.DataDirectory);
        Assert.NotNull(pid);
        var uidLine = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var realUid = uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.NotEqual("0", realUid);
    }

    [Fact]
    public async Task PgServer_applies_guc_overrides_from_settings()
    {
        var server = await StartServerAsync("nowal", PgServerSettings.Default.WithGuc("max_wal_senders", "0"));

        Assert.Equal("0", await server.QueryScalarAsync<string>("show max_wal_senders", Token));
        Assert.Equal(Directory.Path + "/nowal", await server.QueryScalarAsync<string>("show unix_socket_directories", Token));
    }

    [Fact]
    public async Task PgCtl_status_reports_running_server_with_postmaster_pid_and_stop_ends_it()
    {
        var server = await StartServerAsync("primary");
        var ctl = PgTestEnvironment.Require().PgCtl;

        var running = await ctl.StatusAsync(new(server.DataDirectory), Token);
        var pidFromFile = PostmasterPid.Read(server.DataDirectory);
        await server.StopAsync(immediate: false, Token);
        var stopped = await ctl.StatusAsync(new(server.DataDirectory), Token);

        Assert.True(running.Running, running.Command.Describe());
        Assert.NotNull(running.Pid);
        Assert.Equal(pidFromFile, running.Pid);
        Assert.False(stopped.Running);
        Assert.Null(stopped.Pid);
    }

    /// <summary>A start returns as soon as the server is ready, while pg_ctl still waits for its next look; the caller's
    /// token cancelled right after must not kill pg_ctl's process tree, which still holds the new postmaster (an
    /// agent stopped just after its fence's start did that, FenceTests).</summary>
    [Fact]
    public async Task PgCtl_start_cancelled_right_after_it_returned_leaves_the_server_running()
    {
        var server = await StartServerAsync("primary");
        await server.StopAsync(immediate: false, Token);
        var ctl = PgTestEnvironment.Require().PgCtl;

        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var started = await ctl.StartAsync(new(server.DataDirectory), server.LogFile, TimeSpan.FromSeconds(30), caller.Token);
        await caller.CancelAsync();
        // pg_ctl ends at its next look (100 ms), by itself or killed with its tree: then the server has lived or died.
        await Sql.WaitUntilAsync(() => Task.FromResult(!PgCtlRunsFor(server.DataDirectory)), Token);

        Assert.True(started.Succeeded, started.Describe());
        Assert.Equal(1, await server.QueryScalarAsync<int>("SELECT 1", Token));
    }

    /// <summary>Whether a pg_ctl process for <paramref name="dataDirectory"/> still runs (its command line, from /proc).</summary>
    private static bool PgCtlRunsFor(string dataDirectory) =>
        System.IO.Directory.EnumerateDirectories("/proc").Any(process =>
        {
            try
            {
                var args = File.ReadAllText(Path.Combine(process, "cmdline")).Split('\0');
                return args.Length > 0 && Path.GetFileName(args[0]) == "pg_ctl" && args.Contains(dataDirectory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        });
}
