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
    public void The_switch_opens_only_a_state_file_its_agent_made_and_never_creates_one()
    {
        var config = Path.Combine(directory, "pgward.conf");
        Assert.Null(DeadManState.OpenExisting(config));
        Assert.Null(DeadManState.OpenExisting(Path.Combine(directory, "gone", "pgward.conf")));
        Assert.False(File.Exists(Path.Combine(directory, DeadManState.FileName)));

        using (var agent = DeadManState.Open(config))
        {
            agent.Arm(42);
        }
        using var watcher = DeadManState.OpenExisting(config);
        Assert.Equal(42, watcher?.Deadline);
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
