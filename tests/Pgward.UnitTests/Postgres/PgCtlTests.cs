using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class PgCtlTests
{
    private static readonly PgBinaries Binaries = new("/pg/bin", 15);

    [Fact]
    public async Task StartAsync_runs_pg_ctl_start_waiting_with_log_as_the_server_account()
    {
        var runner = new FakeProcessRunner(new ProcessResult(0, "", "", TimedOut: false));

        await new PgCtl(Binaries, "postgres", runner).StartAsync(new("/d"), "/d.log", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var request = Assert.Single(runner.Requests);
        Assert.Equal("/pg/bin/pg_ctl", request.FileName);
        Assert.Equal(["-w", "-t", "30", "-D", "/d", "-l", "/d.log", "start"], request.Arguments);
        Assert.Equal("postgres", request.RunAs);
        Assert.True(request.Timeout > TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task StartAsync_gives_pg_ctl_the_options_of_pg_ctl_options_before_the_action()
    {
        var runner = new FakeProcessRunner(new ProcessResult(0, "", "", TimedOut: false));

        await new PgCtl(Binaries, null, runner).StartAsync(new("/d"), "/d.log", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken,
            ["--options", "-c work_mem=8MB"]);

        Assert.Equal(["-w", "-t", "30", "-D", "/d", "-l", "/d.log", "--options", "-c work_mem=8MB", "start"], Assert.Single(runner.Requests).Arguments);
    }

    /// <summary>Once the server is seen ready, StartAsync returns while pg_ctl still runs: a later cancellation of the
    /// caller's token must not reach pg_ctl, whose cancelled run would kill its process tree, the new postmaster in it.</summary>
    [Fact]
    public async Task StartAsync_leaves_pg_ctl_alone_once_the_server_is_ready_and_the_caller_is_cancelled_after()
    {
        var data = Directory.CreateTempSubdirectory("pgward-pgctl-");
        try
        {
            // The server pg_ctl starts: a postmaster.pid that says ready, for a live process (this one).
            var started = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
            var runner = new PendingProcessRunner(() => File.WriteAllText(Path.Combine(data.FullName, "postmaster.pid"),
                $"{Environment.ProcessId}\n{data.FullName}\n{started}\n5432\n/tmp\n127.0.0.1\n  1234 5678\nready   \n"));
            using var caller = new CancellationTokenSource();

            var result = await new PgCtl(Binaries, null, runner).StartAsync(new(data.FullName), Path.Combine(data.FullName, "log"),
                TimeSpan.FromSeconds(30), caller.Token);
            await caller.CancelAsync();

            Assert.True(result.Succeeded, result.Describe());
            Assert.False(runner.Token.IsCancellationRequested, "the caller's cancellation reached pg_ctl after the start returned");
            runner.Finish();
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_cancelled_before_the_server_is_ready_cancels_pg_ctl()
    {
        var runner = new PendingProcessRunner(() => { });
        using var caller = new CancellationTokenSource();

        var start = new PgCtl(Binaries, null, runner).StartAsync(new("/nonexistent/pgward-data"), "/nonexistent/log", TimeSpan.FromSeconds(30), caller.Token);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.True(runner.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task StopAsync_passes_the_shutdown_mode_in_pg_ctl_spelling()
    {
        var runner = new FakeProcessRunner(new ProcessResult(0, "", "", TimedOut: false));

        await new PgCtl(Binaries, null, runner).StopAsync(new("/d"), ShutdownMode.Immediate, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(["-W", "-D", "/d", "-m", "immediate", "stop"], Assert.Single(runner.Requests).Arguments);
    }

    /// <summary>Debian's layout: pg_ctl is given the directory of postgresql.conf, as repmgr's config_directory; the
    /// stop still waits on the data directory's postmaster.pid (gone here: stopped at once).</summary>
    [Fact]
    public async Task Every_action_gives_pg_ctl_the_configuration_directory_when_there_is_one()
    {
        var runner = new FakeProcessRunner(new ProcessResult(0, "", "", TimedOut: false));
        var pgCtl = new PgCtl(Binaries, null, runner);
        // A data directory no server runs in, here or on any machine: the stop finds no postmaster.pid and is done.
        var server = new ServerDirectories("/nonexistent/pgward-data", "/etc/postgresql/15/main");
        var ct = TestContext.Current.CancellationToken;

        await pgCtl.StopAsync(server, ShutdownMode.Fast, TimeSpan.FromSeconds(5), ct);
        await pgCtl.StartAsync(server, "/l", TimeSpan.FromSeconds(5), ct);
        await pgCtl.ReloadAsync(server, ct);
        await pgCtl.PromoteAsync(server, TimeSpan.FromSeconds(5), ct);
        await pgCtl.StatusAsync(server, ct);

        Assert.Equal(5, runner.Requests.Count);
        Assert.All(runner.Requests, request => Assert.Equal("/etc/postgresql/15/main", request.Arguments[request.Arguments.ToList().IndexOf("-D") + 1]));
        Assert.Equal("/etc/postgresql/15/main/postgresql.conf", server.ConfigFile);
        Assert.Equal("/var/lib/postgresql/15/main/postgresql.conf", new ServerDirectories("/var/lib/postgresql/15/main").ConfigFile);
    }

    [Fact]
    public async Task StatusAsync_reports_running_with_pid_from_pg_ctl_output()
    {
        var runner = new FakeProcessRunner(new ProcessResult(0, "pg_ctl: server is running (PID: 777)\n/pg/bin/postgres \"-D\" \"/d\"\n", "", TimedOut: false));

        var status = await new PgCtl(Binaries, null, runner).StatusAsync(new("/d"), TestContext.Current.CancellationToken);

        Assert.True(status.Running);
        Assert.Equal(777, status.Pid);
    }

    [Fact]
    public async Task StatusAsync_reports_not_running_on_exit_code_3()
    {
        var runner = new FakeProcessRunner(new ProcessResult(3, "pg_ctl: no server running\n", "", TimedOut: false));

        var status = await new PgCtl(Binaries, null, runner).StatusAsync(new("/d"), TestContext.Current.CancellationToken);

        Assert.False(status.Running);
        Assert.Null(status.Pid);
    }

    [Fact]
    public async Task Failed_command_describes_command_line_and_stderr()
    {
        var failed = new ProcessResult(1, "", "initdb: error: directory \"/d\" exists but is not empty\n", TimedOut: false)
        {
            CommandLine = "/pg/bin/initdb -D /d -U postgres",
        };

        var result = await new PgCtl(Binaries, null, new FakeProcessRunner(failed)).InitdbAsync("/d", "postgres", [], TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Equal("initdb failed: /pg/bin/initdb -D /d -U postgres exited with code 1:\ninitdb: error: directory \"/d\" exists but is not empty", result.Describe());
    }
}
