using Pgward.Backup.Wal.Summary;
using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>A summary on disk reads back as it was written, or not at all; summaries of consecutive ranges add up to the
/// summary of both.</summary>
public sealed class WalSummaryFileTests
{
    private static readonly RelFileId Table = new(1663, 5, 16384);
    private static readonly RelFileId Index = new(1663, 5, 16390);
    private static readonly Lsn Start = new(0x3000000);
    private static readonly Lsn End = new(0x4000000);

    [Fact]
    public void A_summary_reads_back_with_its_limits_blocks_forks_and_databases()
    {
        var summary = Sample();

        var back = Read(WalSummaryFile.Write(summary, 1, Start, End));

        Assert.Equal(Describe(summary), Describe(back));
        Assert.Equal(new ForkChanges(7, [3u]), back.Changes(Table, ForkNumber.Main), ForkChangesComparer.Instance);
        Assert.True(back.DatabaseChanged(1663, 16400));
    }

    [Fact]
    public void The_same_summary_gives_the_same_bytes_whatever_the_order_it_was_gathered_in()
    {
        var other = new WalBlockSummary();
        other.AddDatabase(1663, 16400);
        other.AddBlock(Index, ForkNumber.Main, 9);
        other.AddBlock(Table, ForkNumber.VisibilityMap, 0);
        other.SetLimit(Table, ForkNumber.Main, 7);
        other.AddBlock(Table, ForkNumber.Main, 3);
        other.AddBlock(Index, ForkNumber.Main, 2);

        Assert.Equal(WalSummaryFile.Write(Sample(), 1, Start, End), WalSummaryFile.Write(other, 1, Start, End));
    }

    [Fact]
    public void Every_damaged_byte_and_every_cut_is_refused()
    {
        var bytes = WalSummaryFile.Write(Sample(), 1, Start, End);
        for (var i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x10;
            Assert.NotNull(WalSummaryFile.Read(damaged, 1, Start, End).Problem);
        }
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.NotNull(WalSummaryFile.Read(bytes.AsSpan(0, length), 1, Start, End).Problem);
        }
    }

    [Fact]
    public void A_summary_of_another_range_or_timeline_is_refused()
    {
        var bytes = WalSummaryFile.Write(Sample(), 1, Start, End);

        Assert.Contains("not timeline 2", WalSummaryFile.Read(bytes, 2, Start, End).Problem, StringComparison.Ordinal);
        Assert.Contains("timeline 1 from 0/3000000 to 0/4000000", WalSummaryFile.Read(bytes, 1, End, new Lsn(0x5000000)).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Summaries_added_together_are_the_summary_of_both_ranges()
    {
        // Records as they come: block 15 before a truncation to 10, then block 4 and an index block after it.
        var whole = new WalBlockSummary();
        var first = new WalBlockSummary();
        var second = new WalBlockSummary();
        foreach (var part in new[] { whole, first })
        {
            part.AddBlock(Table, ForkNumber.Main, 15);
            part.SetLimit(Table, ForkNumber.Main, 10);
        }
        foreach (var part in new[] { whole, second })
        {
            part.AddBlock(Table, ForkNumber.Main, 4);
            part.AddBlock(Table, ForkNumber.Main, 12);
            part.AddBlock(Index, ForkNumber.Main, 1);
            part.AddDatabase(1663, 16400);
        }

        var added = Read(WalSummaryFile.Write(first, 1, Start, End));
        added.Add(Read(WalSummaryFile.Write(second, 1, End, new Lsn(0x5000000)), 1, End, new Lsn(0x5000000)));

        Assert.Equal(Describe(whole), Describe(added));
        Assert.Equal(new ForkChanges(10, [4u]), added.Changes(Table, ForkNumber.Main), ForkChangesComparer.Instance);
    }

    private static WalBlockSummary Sample()
    {
        var summary = new WalBlockSummary();
        summary.AddBlock(Index, ForkNumber.Main, 2);
        summary.AddBlock(Table, ForkNumber.Main, 3);
        summary.AddBlock(Table, ForkNumber.Main, 12);
        summary.SetLimit(Table, ForkNumber.Main, 7);
        summary.AddBlock(Index, ForkNumber.Main, 9);
        summary.AddBlock(Table, ForkNumber.VisibilityMap, 0);
        summary.AddDatabase(1663, 16400);
        return summary;
    }

    private static WalBlockSummary Read(byte[] bytes, uint timeline = 1, Lsn? start = null, Lsn? end = null)
    {
        var result = WalSummaryFile.Read(bytes, timeline, start ?? Start, end ?? End);
        Assert.True(result.Problem is null, result.Problem);
        return result.Summary!;
    }

    /// <summary>Everything a summary holds, in words, in a fixed order.</summary>
    internal static string Describe(WalBlockSummary summary) =>
        string.Join('\n', summary.Forks.OrderBy(f => (f.File.Tablespace, f.File.Database, f.File.RelFile, f.Fork)).Select(f => (f, summary.Changes(f.File, f.Fork)!))
            .Select(x => $"{x.f.File} {x.f.Fork}: limit {x.Item2.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} [{string.Join(' ', x.Item2.Blocks)}]")
            .Concat(summary.Databases.Order().Select(d => $"database {d.Tablespace}/{d.Database}")));

    private sealed class ForkChangesComparer : IEqualityComparer<ForkChanges?>
    {
        public static readonly ForkChangesComparer Instance = new();

        public bool Equals(ForkChanges? x, ForkChanges? y) => x?.Limit == y?.Limit && (x?.Blocks ?? []).SequenceEqual(y?.Blocks ?? []);

        public int GetHashCode(ForkChanges? obj) => 0;
    }
}
