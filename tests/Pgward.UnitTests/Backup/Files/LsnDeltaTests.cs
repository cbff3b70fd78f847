using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Backup.Files;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class LsnDeltaTests
{
    private static readonly DateTimeOffset Listed = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static readonly BackupInfo Parent = new()
    {
        Id = "20261207T120000",
        Status = BackupStatus.Done,
        SystemIdentifier = "7400000000000000001",
        BeginTime = Listed,
        Method = BackupMethod.Files,
        SourceNode = "node1",
        Timeline = 3,
        BeginLsn = Lsn.Parse("0/5000028"),
        DataChecksums = false,
    };

    private static SessionStartReply Start(uint? timeline = 3, bool? checksums = false) =>
        new("s", "0/9000028", Listed.ToUnixTimeMilliseconds(), [], [], [], timeline, checksums);

    [Fact]
    public void The_parents_start_is_the_threshold_on_the_same_node_timeline_and_checksum_setting()
    {
        Assert.Equal(Lsn.Parse("0/5000028"), LsnDelta.Threshold(Parent, "node1", Start()));
        Assert.False(BackupInfoFile.Parse(BackupInfoFile.Render(Parent)).DataChecksums);
        Assert.Null(BackupInfoFile.Parse(BackupInfoFile.Render(Parent with { DataChecksums = null })).DataChecksums);
    }

    [Theory]
    [InlineData("no parent")]
    [InlineData("another node")]
    [InlineData("another timeline")]
    [InlineData("an agent that does not say its timeline")]
    [InlineData("checksums enabled since")]
    [InlineData("a parent that did not record its checksum setting")]
    [InlineData("a tar parent")]
    public void No_threshold_when_a_pages_lsn_may_not_mean_what_it_did(string why)
    {
        var (parent, node, start) = why switch
        {
            "no parent" => (null, "node1", Start()),
            "another node" => (Parent, "node2", Start()),
            "another timeline" => (Parent, "node1", Start(timeline: 4)),
            "an agent that does not say its timeline" => (Parent, "node1", Start(timeline: null)),
            "checksums enabled since" => (Parent, "node1", Start(checksums: true)),
            "a parent that did not record its checksum setting" => (Parent with { DataChecksums = null }, "node1", Start()),
            _ => (Parent with { Method = BackupMethod.Tar }, "node1", Start()),
        };
        Assert.True(LsnDelta.Threshold(parent, node, start) is null, why);
    }

    [Theory]
    [InlineData("base/5/16390", "base/5/PG_VERSION", true)]
    [InlineData("base/5/16390.2", "base/5/PG_VERSION", true)]
    [InlineData("global/1262", "PG_VERSION", true)]
    [InlineData("pg_tblspc/16400/PG_15_202209061/5/16401", "pg_tblspc/16400/PG_15_202209061/5/PG_VERSION", true)]
    [InlineData("base/5/16390_vm", "base/5/PG_VERSION", false)]
    [InlineData("base/5/16390_fsm", "base/5/PG_VERSION", false)]
    [InlineData("pg_xact/0000", "PG_VERSION", false)]
    public void Only_a_main_fork_whose_database_directory_the_parent_read_applies(string path, string version, bool applies)
    {
        var file = new ListedFile(path, 16 * 8192, Listed.ToUnixTimeMilliseconds());
        var listed = new Dictionary<string, ListedFile> { [path] = file, [version] = new(version, 3, Listed.AddDays(-9).ToUnixTimeMilliseconds()) };
        ManifestFile? Before(string p) => p == version ? new ManifestFile(p, 3, "CRC32C", "00000000", Listed.AddDays(-9)) : null;
        Assert.Equal(applies, LsnDelta.Applies(file, listed, Before));

        // A database directory made again since the parent (CREATE DATABASE ... FILE_COPY, a re-clone): refused.
        var remade = new Dictionary<string, ListedFile>(listed) { [version] = new(version, 3, Listed.AddDays(-1).ToUnixTimeMilliseconds()) };
        Assert.False(LsnDelta.Applies(file, remade, Before));
        Assert.False(LsnDelta.Applies(file, listed, _ => null));
        Assert.False(LsnDelta.Applies(file with { Size = 16 * 8192 + 1 }, listed, Before));
    }
}
