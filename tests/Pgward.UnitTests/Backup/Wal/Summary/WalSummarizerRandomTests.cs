using Pgward.Backup.Wal.Summary;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>Seeded runs of records of every size, so that page and segment boundaries fall in every part of them:
/// headers, block headers, images, data, main data. Whatever the layout, a summary holds exactly the blocks of the
/// records that begin in its range.</summary>
public sealed class WalSummarizerRandomTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Every_block_of_every_record_in_the_range_is_found(int seed)
    {
        var random = new Random(seed);
        var wal = new TestWal();
        var written = new List<(ulong Lsn, List<(RelFileId File, uint Block)> Blocks)>();
        while (wal.Position < wal.Start + 2 * TestWal.SegmentSize + TestWal.SegmentSize / 2)
        {
            if (random.Next(60) == 0)
            {
                wal.Switch();
                continue;
            }
            var (record, blocks) = RandomRecord(random);
            written.Add((wal.Append(record), blocks));
        }
        var segments = wal.Segments();

        for (var run = 0; run < 20; run++)
        {
            var first = random.Next(written.Count);
            var last = random.Next(first, written.Count + 1);
            var from = written[first].Lsn - (ulong)(8 * random.Next(2));
            var to = last == written.Count ? wal.Position : written[last].Lsn;
            var result = WalSummarizer.Summarize(segments, wal.Start, TestWal.SegmentSize, from, to);

            Assert.True(result.Problem is null, result.Problem);
            // Every relation is in tablespace 1663, database 5: the file number tells them apart.
            var expected = written.Skip(first).Take(last - first).SelectMany(w => w.Blocks)
                .Select(b => (b.File.RelFile, b.Block)).Distinct().Order().ToList();
            var found = result.Summary!.Forks
                .SelectMany(f => result.Summary.Changes(f.File, f.Fork)!.Blocks.Select(b => (f.File.RelFile, Block: b)))
                .Order().ToList();
            Assert.Equal(expected, found);
        }
    }

    private static (TestRecord Record, List<(RelFileId File, uint Block)> Blocks) RandomRecord(Random random)
    {
        var record = new TestRecord(ResourceManager.Gist, 0x00);
        var blocks = new List<(RelFileId, uint)>();
        var count = random.Next(4);
        RelFileId? previous = null;
        for (byte id = 0; id < count; id++)
        {
            var sameRelation = previous is not null && random.Next(2) == 0;
            var file = sameRelation ? previous!.Value : new RelFileId(1663, 5, (uint)random.Next(16384, 16390));
            var block = (uint)random.Next(200);
            var image = random.Next(3) == 0
                ? new TestImage(new byte[random.Next(1, 8192)], 24, TestImage.HasHole | TestImage.Pglz, HoleLength: 100)
                : null;
            record.Block(id, file, ForkNumber.Main, block, data: new byte[random.Next(3) == 0 ? 0 : random.Next(1, 3000)], image: image, sameRelation: sameRelation);
            blocks.Add((file, block));
            previous = file;
        }
        if (random.Next(2) == 0)
        {
            record.Main(new byte[random.Next(1, random.Next(2) == 0 ? 255 : 20_000)]);
        }
        return (record, blocks);
    }
}
