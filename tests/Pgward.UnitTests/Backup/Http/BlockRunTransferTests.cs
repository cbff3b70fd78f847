using Pgward.Backup.Files;
using Pgward.Backup.Http;
using Pgward.Backup.Recovery;
using Pgward.Cluster.Backups;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Backup.Http;

/// <summary>The endpoint's answer (<see cref="BlockRunSender"/>) read by the agent's side (<see cref="BlockRunReceiver"/>):
/// stored frames sent as they are, other copies compressed again, pages over a local file, and the bytes come out exact.</summary>
public sealed class BlockRunTransferTests : IDisposable
{
    private const string Segment = "base/5/16384";
    private const string Small = "base/5/1259";
    private readonly TempDirectory temp = new();
    private readonly RestoreWorkers workers = new(2);

    public void Dispose()
    {
        workers.Dispose();
        temp.Dispose();
    }

    private static byte[] Data(int size, int seed)
    {
        var data = new byte[size];
        var random = new Random(seed);
        // Half random, half zeros: blocks compressed and blocks kept raw.
        random.NextBytes(data.AsSpan(0, size / 2));
        return data;
    }

    private string StoredFrame(byte[] data)
    {
        var path = temp.File("16384.lz4");
        using var file = File.Create(path);
        file.Write(Lz4BlockFrame.Header.Span);
        var output = new byte[Lz4BlockFrame.MaxEncodedLength(1 << 20)];
        for (var at = 0; at < data.Length; at += 1 << 20)
        {
            file.Write(output, 0, Lz4BlockFrame.Encode(data.AsSpan(at, Math.Min(1 << 20, data.Length - at)), output));
        }
        file.Write(Lz4BlockFrame.EndMark.Span);
        return path;
    }

    private async Task<MemoryStream> SendAsync(byte[] segment, IReadOnlyList<int>? pages, bool stored, byte[] small, byte[] control,
        bool pageRuns = false)
    {
        var answer = new MemoryStream();
        var sender = new BlockRunSender(answer, pageRuns);
        await sender.DirectoryAsync("base", TestContext.Current.CancellationToken);
        await sender.DirectoryAsync("base/5", TestContext.Current.CancellationToken);
        await sender.FileAsync(new RestoreSourceEntry(Segment, RestoreEntry.File, segment.Length, null, new MemoryStream(segment),
            stored ? StoredFrame(segment) : null), pages, TestContext.Current.CancellationToken);
        await sender.FileAsync(new RestoreSourceEntry(Small, RestoreEntry.File, small.Length, null, new MemoryStream(small)), null, TestContext.Current.CancellationToken);
        await sender.DirectoryAsync("global", TestContext.Current.CancellationToken);
        await sender.FileAsync(new RestoreSourceEntry("global/pg_control", RestoreEntry.File, control.Length, null, new MemoryStream(control)), null,
            TestContext.Current.CancellationToken);
        await sender.EndAsync(TestContext.Current.CancellationToken);
        answer.Position = 0;
        return answer;
    }

    private async Task ReceiveAsync(string destination, Stream answer, IReadOnlySet<string> pages)
    {
        var receiver = new BlockRunReceiver(new RestorePaths(destination, []), workers, _ => { });
        await receiver.ReceiveAsync(answer, pages, [Segment, Small, "global/pg_control"], "test", TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_whole_restore_writes_every_byte(bool stored)
    {
        var (segment, small, control) = (Data((3 << 20) + 100, 1), Data(0, 2), Data(8192, 3));
        var destination = temp.File("data");
        await ReceiveAsync(destination, await SendAsync(segment, null, stored, small, control), new HashSet<string>());
        Assert.Equal(segment, await File.ReadAllBytesAsync(Path.Combine(destination, Segment), TestContext.Current.CancellationToken));
        Assert.Equal(small, await File.ReadAllBytesAsync(Path.Combine(destination, Small), TestContext.Current.CancellationToken));
        Assert.Equal(control, await File.ReadAllBytesAsync(Path.Combine(destination, "global/pg_control"), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pages_rewrite_only_the_blocks_that_hold_them(bool stored)
    {
        var (segment, small, control) = (Data((3 << 20) + 100, 1), Data(10, 2), Data(8192, 3));
        var destination = temp.File("data");
        var local = (byte[])segment.Clone();
        local[BlockRuns.PageSize * 9 + 1] ^= 0xff;
        local[^1] ^= 0xff;
        Directory.CreateDirectory(Path.Combine(destination, "base/5"));
        await File.WriteAllBytesAsync(Path.Combine(destination, Segment), local, TestContext.Current.CancellationToken);
        var last = PageDelta.PagesOf(segment.Length) - 1;
        await ReceiveAsync(destination, await SendAsync(segment, [9, last], stored, small, control), new HashSet<string> { Segment });
        Assert.Equal(segment, await File.ReadAllBytesAsync(Path.Combine(destination, Segment), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Page_runs_write_only_the_pages_asked_for_and_send_less_than_their_blocks(bool stored)
    {
        var (segment, small, control) = (Data((3 << 20) + 100, 1), Data(10, 2), Data(8192, 3));
        var last = PageDelta.PagesOf(segment.Length) - 1;
        // Pages 9 and 10 lie in block 1; 16 to 23 are the whole of block 2; the last page ends the file.
        IReadOnlyList<int> asked = [9, .. Enumerable.Range(16, 8), last];
        var local = (byte[])segment.Clone();
        foreach (var page in asked.Append(10))
        {
            local[BlockRuns.PageSize * page + 1] ^= 0xff;
        }
        var destination = temp.File("data");
        Directory.CreateDirectory(Path.Combine(destination, "base/5"));
        await File.WriteAllBytesAsync(Path.Combine(destination, Segment), local, TestContext.Current.CancellationToken);

        var pagesAnswer = await SendAsync(segment, asked, stored, small, control, pageRuns: true);
        var blocksAnswer = await SendAsync(segment, asked, stored, small, control);
        await ReceiveAsync(destination, pagesAnswer, new HashSet<string> { Segment });

        // Page 10 was not asked for: as the local file had it. Every other byte is the backup's.
        var expected = (byte[])segment.Clone();
        expected[BlockRuns.PageSize * 10 + 1] ^= 0xff;
        Assert.Equal(expected, await File.ReadAllBytesAsync(Path.Combine(destination, Segment), TestContext.Current.CancellationToken));
        Assert.True(pagesAnswer.Length < blocksAnswer.Length, $"page runs {pagesAnswer.Length} bytes, blocks {blocksAnswer.Length}");
    }

    [Fact]
    public async Task Page_runs_of_a_file_asked_for_whole_are_refused()
    {
        var (segment, small, control) = (Data(1 << 20, 1), Data(10, 2), Data(8192, 3));
        var answer = await SendAsync(segment, [3], stored: true, small, control, pageRuns: true);
        var destination = temp.File("data");
        Directory.CreateDirectory(Path.Combine(destination, "base/5"));
        await File.WriteAllBytesAsync(Path.Combine(destination, Segment), segment, TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => ReceiveAsync(destination, answer, new HashSet<string>()));
        Assert.Contains("asked for whole", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(destination, "global/pg_control")));
    }

    [Fact]
    public async Task An_answer_cut_short_fails_and_leaves_no_control_file()
    {
        var (segment, small, control) = (Data(1 << 20, 1), Data(10, 2), Data(8192, 3));
        var whole = (await SendAsync(segment, null, stored: true, small, control)).ToArray();
        var destination = temp.File("data");
        var cut = new MemoryStream(whole[..(whole.Length / 2)]);
        await Assert.ThrowsAsync<IOException>(() => ReceiveAsync(destination, cut, new HashSet<string>()));
        Assert.False(File.Exists(Path.Combine(destination, "global/pg_control")));
    }

    [Fact]
    public async Task A_stored_copy_shorter_than_its_manifest_size_is_refused()
    {
        var segment = Data(1 << 20, 1);
        var frame = StoredFrame(segment);
        var sender = new BlockRunSender(new MemoryStream());
        await Assert.ThrowsAsync<InvalidDataException>(() => sender.FileAsync(
            new RestoreSourceEntry(Segment, RestoreEntry.File, segment.Length + BlockRuns.BlockSize, null, null, frame), null, TestContext.Current.CancellationToken));
    }
}
