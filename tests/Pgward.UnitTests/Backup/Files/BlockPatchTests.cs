using Pgward.Backup.Files;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

/// <summary>Block maps and block patches: what the agent sends of a changed file, rebuilt over the parent's copy,
/// gives back exactly the bytes read; a damaged patch or base is an error, never silently other bytes.</summary>
public sealed class BlockPatchTests
{
    private const int B = BlockMap.BlockSize;

    public static TheoryData<int, int, int[]> Changes => new()
    {
        // parent length, new length, blocks rewritten (of the new file)
        { 64 * B, 64 * B, [3, 40] },
        { 64 * B, 64 * B, [] },
        { 64 * B, 70 * B + 100, [0] },
        { 64 * B + 100, 64 * B + 5000, [] },
        { 64 * B + 5000, 64 * B + 100, [] },
        { 64 * B, 10 * B + 17, [2] },
        { 300 * B, 0, [] },
        { 0, 3 * B + 1, [] },
        { 200 * B, 200 * B, [.. Enumerable.Range(0, 200)] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_patch_rebuilt_over_its_parent_gives_back_exactly_the_new_file(int parentLength, int newLength, int[] rewritten)
    {
        var parent = Sample(parentLength, seed: 1);
        var next = Changed(parent, newLength, rewritten, seed: 2);
        var (patch, records) = Patch(parent, next, "20261205T120000", depth: 1);
        Assert.Equal(next, Rebuild(patch, new MemoryStream(parent)));
        // Only blocks that differ, and the ones past the parent's end or cut differently, are sent.
        var expected = Enumerable.Range(0, BlockMap.BlocksOf(newLength)).Count(i =>
            !BlockMap.Parse(Map(parent).ToBytes()).Matches(i, BlockMap.BlockLength(newLength, i), BlockMap.Hash(Block(next, i))));
        Assert.Equal(expected, records);
        var grown = Math.Max(0, BlockMap.BlocksOf(newLength) - parentLength / B);
        Assert.True(records <= rewritten.Length + grown + 1, $"{records} records for {rewritten.Length} rewritten blocks and {grown} new");
    }

    [Fact]
    public void A_chain_of_patches_rebuilds_each_generation()
    {
        var first = Sample(100 * B, seed: 1);
        var second = Changed(first, 100 * B, [5, 6, 99], seed: 2);
        var third = Changed(second, 120 * B + 3, [6, 50], seed: 3);
        var (patch2, _) = Patch(first, second, "a", depth: 1);
        var (patch3, records) = Patch(second, third, "b", depth: 2);
        Assert.Equal(2 + 21, records);
        using var chain = new PatchedStream(new MemoryStream(patch3), Trailer(patch3),
            new PatchedStream(new MemoryStream(patch2), Trailer(patch2), new MemoryStream(first)));
        Assert.Equal(third, ReadAll(chain));
        var trailer = Trailer(patch3);
        Assert.Equal(("b", 2, (long)third.Length), (trailer.BaseBackupId, trailer.Depth, trailer.Length));
    }

    [Fact]
    public void Incompressible_blocks_are_kept_raw_and_still_rebuild()
    {
        var parent = new byte[20 * B];
        new Random(5).NextBytes(parent);
        var next = (byte[])parent.Clone();
        new Random(6).NextBytes(next.AsSpan(7 * B, B));
        var (patch, records) = Patch(parent, next, "a", depth: 1);
        Assert.Equal(1, records);
        Assert.Equal(next, Rebuild(patch, new MemoryStream(parent)));
    }

    [Fact]
    public void A_base_shorter_than_a_block_the_patch_does_not_hold_is_damage()
    {
        var parent = Sample(40 * B, seed: 1);
        var next = Changed(parent, 40 * B, [1], seed: 2);
        var (patch, _) = Patch(parent, next, "a", depth: 1);
        var error = Assert.Throws<InvalidDataException>(() => Rebuild(patch, new MemoryStream(parent[..(20 * B)])));
        Assert.Contains("a link of the chain is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_out_of_order_or_of_the_wrong_size_are_damage()
    {
        var parent = Sample(40 * B, seed: 1);
        var next = Changed(parent, 40 * B, [3, 9], seed: 2);
        var (patch, _) = Patch(parent, next, "a", depth: 1);
        var swapped = (byte[])patch.Clone();
        // The first record's block number set past the second's.
        BitConverter.TryWriteBytes(swapped.AsSpan(0, 4), 30u);
        Assert.Throws<InvalidDataException>(() => Rebuild(swapped, new MemoryStream(parent)));
        var sized = (byte[])patch.Clone();
        BitConverter.TryWriteBytes(sized.AsSpan(4, 4), 0x80000000u | 100u);
        Assert.Throws<InvalidDataException>(() => Rebuild(sized, new MemoryStream(parent)));
    }

    [Fact]
    public void A_damaged_trailer_is_refused()
    {
        var (patch, _) = Patch(Sample(10 * B, 1), Sample(10 * B, 2), "a", depth: 1);
        var damaged = (byte[])patch.Clone();
        damaged[^15] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => Trailer(damaged));
        Assert.Throws<InvalidDataException>(() => Trailer([1, 2, 3]));
    }

    [Fact]
    public void A_block_map_round_trips_and_refuses_a_wrong_count()
    {
        var map = Map(Sample(3 * B + 5, seed: 4));
        var parsed = BlockMap.Parse(map.ToBytes());
        Assert.Equal(map.Length, parsed.Length);
        Assert.Equal(map.Hashes, parsed.Hashes);
        Assert.Equal(4, parsed.Count);
        Assert.True(parsed.Matches(3, 5, map.Hashes[3]));
        Assert.False(parsed.Matches(3, B, map.Hashes[3]));
        Assert.False(parsed.Matches(4, 5, map.Hashes[3]));
        var truncated = map.ToBytes()[..^8];
        Assert.Throws<InvalidDataException>(() => BlockMap.Parse(truncated));
        Assert.False(parsed.Masked);
        var loose = map.Hashes.Select(h => ~h).ToArray();
        var masked = BlockMap.Parse((map with { Loose = loose }).ToBytes());
        Assert.True(masked.Masked);
        Assert.Equal(map.Hashes, masked.Hashes);
        Assert.Equal(loose, masked.Loose);
        Assert.Throws<InvalidDataException>(() => BlockMap.Parse((map with { Loose = loose }).ToBytes()[..^8]));
    }

    [Theory]
    [InlineData(50, 100, true)]
    [InlineData(51, 100, false)]
    [InlineData(0, 0, true)]
    public void A_patch_of_more_than_half_the_blocks_is_not_kept(int records, int blocks, bool kept) =>
        Assert.Equal(kept, BlockPatch.WorthKeeping(records, blocks));

    [Fact]
    public void Stored_copies_follow_the_chain_across_backups_and_name_a_missing_link()
    {
        var root = Path.Combine(Path.GetTempPath(), "pgward-blockpatch-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = Sample(30 * B, seed: 1);
            var second = Changed(first, 31 * B, [2], seed: 2);
            var full = Path.Combine(root, "base", "A", "data");
            var incremental = Path.Combine(root, "base", "B", "data");
            Directory.CreateDirectory(Path.Combine(StoredFiles.Root(full), "base", "5"));
            Directory.CreateDirectory(Path.Combine(StoredFiles.Root(incremental), "base", "5"));
            var output = new byte[Lz4BlockFrame.MaxEncodedLength(first.Length)];
            var written = Lz4BlockFrame.Encode(first, output);
            File.WriteAllBytes(StoredFiles.Of(StoredFiles.Root(full), "base/5/16384"),
                [.. Lz4BlockFrame.Header.ToArray(), .. output.AsSpan(0, written), .. Lz4BlockFrame.EndMark.ToArray()]);
            File.WriteAllBytes(StoredFiles.PatchOf(StoredFiles.Root(incremental), "base/5/16384"), Patch(first, second, "A", depth: 1).Bytes);

            Assert.True(StoredCopy.Exists(incremental, "base/5/16384"));
            Assert.Equal(1, StoredCopy.DepthOf(incremental, "base/5/16384"));
            using (var rebuilt = StoredCopy.Open(incremental, "base/5/16384"))
            {
                Assert.Equal(second, ReadAll(rebuilt));
            }
            Directory.Delete(Path.Combine(root, "base", "A"), recursive: true);
            var error = Assert.Throws<InvalidDataException>(() => StoredCopy.Open(incremental, "base/5/16384"));
            Assert.Contains("backup A, which is gone", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>What the agent sends for <paramref name="next"/> given the parent's map (FileSender's pieces of 1 MiB),
    /// ended with the trailer the backup server adds.</summary>
    internal static (byte[] Bytes, int Records) Patch(byte[] parent, byte[] next, string baseId, int depth)
    {
        var parentMap = Map(parent);
        var builder = new BlockMapBuilder();
        var patch = new MemoryStream();
        var records = 0;
        for (var offset = 0; offset < next.Length; offset += 1 << 20)
        {
            var piece = next.AsSpan(offset, Math.Min(1 << 20, next.Length - offset));
            var first = builder.Count;
            builder.Append(piece);
            // What the agent sends: the blocks of the piece whose length or hash the parent's map does not hold.
            var length = piece.Length;
            int[] changed = [.. Enumerable.Range(0, BlockMap.BlocksOf(length))
                .Where(i => !parentMap.Matches(first + i, BlockMap.BlockLength(length, i), builder[first + i]))];
            var output = new byte[BlockPatch.MaxRecordsLength(changed.Length)];
            patch.Write(output, 0, BlockPatch.EncodeRecords(piece, first, changed, output));
            records += changed.Length;
        }
        patch.Write(BlockPatch.Trailer(baseId, depth, next.Length));
        return (patch.ToArray(), records);
    }

    private static BlockMap Map(byte[] bytes)
    {
        var builder = new BlockMapBuilder();
        for (var offset = 0; offset < bytes.Length; offset += 1 << 20)
        {
            builder.Append(bytes.AsSpan(offset, Math.Min(1 << 20, bytes.Length - offset)));
        }
        return builder.Build();
    }

    private static PatchTrailer Trailer(byte[] patch) => BlockPatch.ReadTrailer(new MemoryStream(patch));

    private static byte[] Rebuild(byte[] patch, Stream parent)
    {
        using var stream = new PatchedStream(new MemoryStream(patch), Trailer(patch), parent);
        return ReadAll(stream);
    }

    private static byte[] ReadAll(Stream stream)
    {
        var output = new MemoryStream();
        var buffer = new byte[5000]; // not a multiple of the block size: reads cross blocks
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }

    private static ReadOnlySpan<byte> Block(byte[] file, int index) =>
        file.AsSpan(index * B, BlockMap.BlockLength(file.Length, index));

    /// <summary>Compressible bytes, like table pages.</summary>
    private static byte[] Sample(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)"abcdef0123456789"[random.Next(16)];
        }
        return bytes;
    }

    /// <summary>The parent cut or extended (with fresh bytes) to <paramref name="length"/>, the given blocks rewritten.</summary>
    private static byte[] Changed(byte[] parent, int length, int[] rewritten, int seed)
    {
        var next = Sample(length, seed);
        parent.AsSpan(0, Math.Min(parent.Length, length)).CopyTo(next);
        foreach (var block in rewritten.Where(b => b * B < length))
        {
            Sample(B, seed + block + 100).AsSpan(0, BlockMap.BlockLength(length, block)).CopyTo(next.AsSpan(block * B));
        }
        return next;
    }
}
