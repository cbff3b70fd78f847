using System.Buffers.Binary;
using System.Diagnostics;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>The kill of a dead-man switch found through its state file, against a stand-in process whose command line
/// reads like the switch's (<c>... -f CONF daemon dead-man-switch</c>): no server needed.</summary>
public sealed class DeadManSwitchesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pgward-deadman-").FullName;

    private string Config => Path.Combine(directory, "pgward.conf");

    [Fact]
    public async Task KillAsync_kills_the_switch_named_by_the_state_file()
    {
        using var standIn = StartStandIn("dead-man-switch");
        await WriteStateAsync(standIn.Id);

        var outcome = await DeadManSwitches.KillAsync(Config, TestContext.Current.CancellationToken);

        Assert.Equal($"dead-man switch PID {standIn.Id} killed", outcome);
        Assert.True(standIn.WaitForExit(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task KillAsync_leaves_a_process_alone_that_is_not_a_switch_of_this_node()
    {
        using var other = StartStandIn("run");
        await WriteStateAsync(other.Id);

        var outcome = await DeadManSwitches.KillAsync(Config, TestContext.Current.CancellationToken);

        Assert.Contains("is not a dead-man switch", outcome, StringComparison.Ordinal);
        Assert.False(other.HasExited);
        other.Kill();
        await other.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task KillAsync_says_so_when_there_is_no_state_file() =>
        Assert.StartsWith("no dead-man switch: no pgward-deadman.state beside ",
            await DeadManSwitches.KillAsync(Config, TestContext.Current.CancellationToken), StringComparison.Ordinal);

    /// <summary>bash waiting on its stdin for at most 60 s, its argv ending <c>-f CONF daemon LAST</c>; a builtin read,
    /// so no child is left behind when it is killed.</summary>
    private Process StartStandIn(string last)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", "read -r -t 60 line", "-f", Config, "daemon", last })
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
    }

    private Task WriteStateAsync(int pid)
    {
        var state = new byte[DeadManSwitchState.Length];
        BinaryPrimitives.WriteInt64LittleEndian(state.AsSpan(DeadManSwitchState.PidOffset), pid);
        return File.WriteAllBytesAsync(DeadManSwitchState.PathFor(Config), state, TestContext.Current.CancellationToken);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
