using Pgward.Failover;
using Pgward.Failover.Agreement;
using Xunit;

namespace Pgward.UnitTests.Failover;

public sealed class FileAgreementStoreTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pgward-agreement-").FullName;

    private string StorePath => Path.Combine(directory, "failover.state");

    [Fact]
    public void Load_without_a_file_is_the_initial_state()
    {
        var store = new FileAgreementStore(StorePath);
        Assert.Equal(VoterState.Initial, store.Load());
        Assert.False(store.IsPaused);
    }

    [Fact]
    public void Saved_vote_and_pause_survive_a_new_instance_and_leave_no_temporary_file()
    {
        var store = new FileAgreementStore(StorePath);
        store.Save(new VoterState(7, 2, null));
        store.SetPaused(true);
        store.Save(new VoterState(8, 3, 3));

        var reopened = new FileAgreementStore(StorePath);
        Assert.Equal(new VoterState(8, 3, 3), reopened.Load());
        Assert.True(reopened.IsPaused);
        Assert.Equal(["failover.state"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
