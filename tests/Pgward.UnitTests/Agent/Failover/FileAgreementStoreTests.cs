using Pgward.Agent.Failover;
using Pgward.Failover;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

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

    [Fact]
    public void Saved_state_is_replaced_through_the_durable_writer_readable_by_its_owner_only()
    {
        var store = new FileAgreementStore(StorePath);
        store.Save(new VoterState(3, 1, null));
        File.SetUnixFileMode(StorePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        store.Save(new VoterState(4, 2, null));

        // The mode is the visible trace of Core.IO.DurableFile, which also fsyncs the directory after the rename
        // (DurableFileTests): the old store renamed with the process umask (0644) and never synced the directory.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StorePath));
        Assert.Equal(new VoterState(4, 2, null), new FileAgreementStore(StorePath).Load());
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
