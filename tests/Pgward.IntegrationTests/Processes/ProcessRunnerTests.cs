using Pgward.Core.Processes;
using Xunit;

namespace Pgward.IntegrationTests.Processes;

public sealed class ProcessRunnerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_returns_exit_code_and_both_streams_and_reports_each_line()
    {
        var lines = new List<string>();
        var request = new ProcessRequest("sh", ["-c", "echo out; echo err >&2; exit 3"])
        {
            OnOutputLine = line => { lock (lines) { lines.Add(line); } },
        };

        var result = await new ProcessRunner().RunAsync(request, Token);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
        Assert.Equal(["err", "out"], lines.Order());
        Assert.Equal("sh -c 'echo out; echo err >&2; exit 3'", result.CommandLine);
    }

    [Fact]
    public async Task RunAsync_kills_the_whole_tree_on_timeout()
    {
        var marker = $"pgward-timeout-{Guid.NewGuid():N}";
        var request = new ProcessRequest("sh", ["-c", $"sleep 60 & exec -a {marker} sleep 60"]) { Timeout = TimeSpan.FromMilliseconds(300) };

        var result = await new ProcessRunner().RunAsync(request, Token);

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.Equal("", await Harness.PostgresProcesses.MentioningAsync(marker, Token));
    }

    [Fact]
    public async Task RunAsync_throws_on_cancellation_after_killing_the_process()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new ProcessRunner().RunAsync(new ProcessRequest("sleep", ["60"]), cts.Token));
    }

    [Fact]
    public async Task RunAsync_runs_as_the_requested_user_when_privileged()
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest("id", ["-un"]) { RunAs = "postgres" }, Token);

        Assert.True(result.Succeeded, result.Describe());
        Assert.Equal(Environment.IsPrivilegedProcess ? "postgres" : Environment.UserName, result.StandardOutput.Trim());
    }
}
