using System.Buffers.Binary;
using Pgward.Agent.Backups;
using Pgward.Backup.Files;
using Pgward.Core.Checksums;
using Pgward.UnitTests.Cluster.Backups;
using Xunit;

namespace Pgward.UnitTests.Agent.Backups;

/// <summary>
/// A changed file sent as blocks over its parent's copy: what the backup server rebuilds from the parent's copy and the
/// records is what the end frame's checksum and the new map describe, even where the agent read other bytes (a block
/// that matches only masked, a page kept by its LSN); the pages <see cref="LsnDelta"/> keeps are not hashed at all.
/// </summary>
public sealed class FileSenderOverParentTests : IDisposable
{
    private const int B = BlockMap.BlockSize;
    private const string MainFork = "base/5/16390";
    private readonly string directory = Directory.CreateTempSubdirectory("pgward-filesender-").FullName;

    [Fact]
    public async Task A_block_that_matches_only_masked_is_not_sent_and_the_checksum_is_of_the_parents_bytes_that_are_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var parent = Pages(200, _ => PageMaskTests.HeapPage());
        // The same pages as a standby holds them (other command ids and checksums), and one page really changed.
        var now = Pages(200, i => i == 7 ? Relogged(PageMaskTests.HeapPage(), 0x0000_0002_0000_0000) : PageMaskTests.StandbyCopy(PageMaskTests.HeapPage()));
        var parentMap = MapOf(parent);

        var sent = await SendAsync(now, new FetchItem(MainFork, WantsMap: true, ParentMap: parentMap.ToBytes(), Algorithm: FrameChecksums.Crc32C, MapCrcs: true), ct);

        Assert.Equal(FrameTag.Patched, sent.Tag);
        Assert.Equal([7], sent.Blocks);
        var stored = Rebuild(parent, sent);
        Assert.Equal(Pages(200, i => i == 7 ? Page(now, 7) : Page(parent, i)), stored);
        Assert.Equal(Crc(stored), sent.Checksum);
        Assert.Equal(Crc(stored), Crc32C.ToManifestHex(sent.Map.FileCrc()));
        Assert.Equal(parentMap.Crcs![3], sent.Map.Crcs![3]);
    }

    [Fact]
    public async Task Pages_below_the_parents_start_lsn_are_kept_unhashed_and_the_others_are_compared()
    {
        var ct = TestContext.Current.CancellationToken;
        var parent = Pages(200, i => IndexPage(i, lsn: 100, allVisible: false));
        var now = Pages(202, i => i switch
        {
            3 => IndexPage(i + 1000, lsn: 100, allVisible: false), // other bytes, old LSN: kept, so not even hashed
            4 => IndexPage(i + 1000, lsn: 600, allVisible: false), // changed since the parent's start
            5 => new byte[B],                                      // LSN 0: a new page, never logged
            6 => IndexPage(i, lsn: 100, allVisible: true),         // all-visible set by vacuum, without a new LSN
            _ => IndexPage(i, lsn: 100, allVisible: false),        // 200 and 201: past the parent's end
        });
        var item = new FetchItem(MainFork, WantsMap: true, ParentMap: MapOf(parent).ToBytes(), Algorithm: FrameChecksums.Crc32C, MapCrcs: true,
            UnchangedBelowLsn: "0/1F4"); // 500

        var sent = await SendAsync(now, item, ct);

        Assert.Equal([4, 5, 6, 200, 201], sent.Blocks);
        var stored = Rebuild(parent, sent);
        Assert.Equal(Pages(202, i => i is 4 or 5 or 6 or >= 200 ? Page(now, i) : Page(parent, i)), stored);
        Assert.Equal(Crc(stored), sent.Checksum);
        Assert.Equal(MapOf(stored).ToBytes(), sent.Map.ToBytes());

        // Without the LSN, block 3 is hashed and sent like the others.
        var hashed = await SendAsync(now, item with { UnchangedBelowLsn = null }, ct);
        Assert.Equal([3, 4, 5, 6, 200, 201], hashed.Blocks);
        Assert.Equal(Crc(now), hashed.Checksum);
    }

    [Fact]
    public async Task A_parent_map_without_crcs_is_no_base_for_a_patch_and_the_file_is_sent_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        var parent = Pages(200, i => IndexPage(i, lsn: 100, allVisible: false));
        var oldMap = MapOf(parent, crcs: false);
        var now = Pages(200, i => IndexPage(i == 9 ? 5000 : i, lsn: 100, allVisible: false));

        var sent = await SendAsync(now, new FetchItem(MainFork, WantsMap: true, ParentMap: oldMap.ToBytes(), Algorithm: FrameChecksums.Crc32C, MapCrcs: true,
            UnchangedBelowLsn: "0/1F4"), ct);

        Assert.Equal(FrameTag.Stored, sent.Tag);
        Assert.Equal(Crc(now), sent.Checksum);
        Assert.True(sent.Map.HasCrcs);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>A page with special space (not a heap page: hashed as it is), its bytes from <paramref name="seed"/>.</summary>
    private static byte[] IndexPage(int seed, uint lsn, bool allVisible)
    {
        var page = new byte[B];
        new Random(seed).NextBytes(page.AsSpan(24, 8000 - 24));
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(4), lsn);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(10), (ushort)(allVisible ? BlockMap.AllVisible : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(12), 24);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(14), 8000);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(16), 8000);
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(18), B | 4);
        return page;
    }

    private static byte[] Relogged(byte[] page, ulong lsn)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(page, lsn);
        return page;
    }

    private static byte[] Pages(int count, Func<int, byte[]> page) => [.. Enumerable.Range(0, count).SelectMany(page)];

    private static byte[] Page(byte[] file, int index) => file[(index * B)..((index + 1) * B)];

    private static BlockMap MapOf(byte[] file, bool crcs = true)
    {
        var builder = new BlockMapBuilder(masked: true, crcs);
        builder.Append(file);
        return builder.Build();
    }

    private static string Crc(byte[] bytes)
    {
        var crc = new Crc32C();
        crc.Append(bytes);
        return crc.ToManifestHex();
    }

    private sealed record Sent(FrameTag Tag, string Checksum, BlockMap Map, int[] Blocks, byte[] Records);

    private async Task<Sent> SendAsync(byte[] content, FetchItem item, CancellationToken ct)
    {
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(path, content, ct);
        using var compressor = new BlockCompressor(2);
        using var answer = new MemoryStream();
        await FileSender.SendAsync(new FrameWriter(answer), path, item, compressor, ct);
        answer.Position = 0;
        var reader = new FrameReader(answer);
        using var data = new MemoryStream();
        BlockMap? map = null;
        while (true)
        {
            var frame = await reader.ReadAsync(ct);
            switch (frame.Tag)
            {
                case FrameTag.Data:
                    data.Write(frame.Data.Span);
                    continue;
                case FrameTag.BlockMap:
                    map = BlockMap.Parse(frame.Data.Span);
                    continue;
            }
            var records = data.ToArray();
            return new Sent(frame.Tag, frame.Checksum, map!, frame.Tag == FrameTag.Patched ? BlocksOf(records) : [], records);
        }
    }

    /// <summary>The block numbers of a patch's records (u32 number, u32 size with the raw flag in its high bit, image).</summary>
    private static int[] BlocksOf(byte[] records)
    {
        var blocks = new List<int>();
        for (var at = 0; at < records.Length;)
        {
            blocks.Add((int)BinaryPrimitives.ReadUInt32LittleEndian(records.AsSpan(at)));
            at += 8 + (int)(BinaryPrimitives.ReadUInt32LittleEndian(records.AsSpan(at + 4)) & 0x7FFFFFFF);
        }
        return [.. blocks];
    }

    /// <summary>What the backup server stores: the records and the trailer over the parent's copy, read back.</summary>
    private static byte[] Rebuild(byte[] parent, Sent sent)
    {
        var patch = new MemoryStream();
        patch.Write(sent.Records);
        patch.Write(BlockPatch.Trailer("parent", 1, sent.Map.Length));
        patch.Position = 0;
        using var rebuilt = new PatchedStream(patch, BlockPatch.ReadTrailer(new MemoryStream(patch.ToArray())), new MemoryStream(parent));
        using var output = new MemoryStream();
        rebuilt.CopyTo(output);
        return output.ToArray();
    }
}
