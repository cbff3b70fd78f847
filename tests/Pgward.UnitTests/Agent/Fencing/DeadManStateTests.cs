using Pgward.Agent.Fencing;
using Xunit;

namespace Pgward.UnitTests.Agent.Fencing;

public sealed class DeadManStateTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pgward-deadman-").FullName;

    [Fact]
    public void State_file_is_private_to_its_owner_and_shared_between_two_openers()
    {
        var path = Path.Combine(directory, DeadManState.FileName);
        using var agent = DeadManState.OpenPath(path);
        using var watcher = DeadManState.OpenPath(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(DeadManMode.Disarmed, watcher.Mode);

        agent.Arm(123_456);
        Assert.Equal(DeadManMode.Armed, watcher.Mode);
        Assert.Equal(123_456, watcher.Deadline);
        watcher.SwitchPid = 77;
        Assert.Equal(77, agent.SwitchPid);
    }

    [Fact]
    public void Reopened_state_keeps_what_the_earlier_agent_armed()
    {
        var path = Path.Combine(directory, DeadManState.FileName);
        using (var before = DeadManState.OpenPath(path))
        {
            before.Arm(99);
        }
        using var after = DeadManState.OpenPath(path);
        Assert.Equal(DeadManMode.Armed, after.Mode);
        Assert.Equal(99, after.Deadline);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
