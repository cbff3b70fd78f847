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

        await new PgCtl(Binaries, "postgres", runner).StartAsync("/d", "/d.log", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var request = Assert.Single(runner.Requests);
        Assert.Equal("/pg/bin/pg_ctl", request.FileName);
        Assert.Equal(["-w", "-t", "30", "-D", "/d", "-l", "/d.log", "start"], request.Arguments);
        Assert.Equal("postgres", request.RunAs);
        Assert.True(request.Timeout > TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task StopAsync_passes_the_shutdown_mode_in_pg_ctl_spelling()
    {
        var runner = new FakeProcessRunner(new ProcessResult(0, "", "", TimedOut: false));

        await new PgCtl(Binaries, null, runner).StopAsync("/d", ShutdownMode.Immediate, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(["-W", "-D", "/d", "-m", "immediate", "stop"], Assert.Single(runner.Requests).Arguments);
    }

    [Fact]
    public async Task StatusAsync_reports_running_with_pid_from_pg_ctl_output()
    {
        var runner = new FakeProcessRunner(new ProcessResult(0, "pg_ctl: server is running (PID: 777)\n/pg/bin/postgres \"-D\" \"/d\"\n", "", TimedOut: false));

        var status = await new PgCtl(Binaries, null, runner).StatusAsync("/d", TestContext.Current.CancellationToken);

        Assert.True(status.Running);
        Assert.Equal(777, status.Pid);
    }

    [Fact]
    public async Task StatusAsync_reports_not_running_on_exit_code_3()
    {
        var runner = new FakeProcessRunner(new ProcessResult(3, "pg_ctl: no server running\n", "", TimedOut: false));

        var status = await new PgCtl(Binaries, null, runner).StatusAsync("/d", TestContext.Current.CancellationToken);

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
