using Pgward.Backup.Base;
using Pgward.Backup.Files;
using Xunit;

namespace Pgward.UnitTests.Backup.Files;

public sealed class ReuseDecisionTests
{
    private static readonly DateTimeOffset ParentListed = new(2026, 12, 5, 4, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LongBefore = ParentListed.AddHours(-1);

    private static ListedFile Listed(long size, DateTimeOffset modified) => new("base/5/16384", size, modified.ToUnixTimeMilliseconds());

    private static ManifestFile Parent(long size, DateTimeOffset modified, string algorithm = "SHA256") =>
        new("base/5/16384", size, algorithm, "ab", new DateTimeOffset(modified.Ticks - modified.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero));

    [Fact]
    public void Decide_links_without_reading_when_size_and_mtime_match_and_the_mtime_is_older_than_the_parent_listing() =>
        Assert.Equal(ReuseAction.Link, ReuseDecision.Decide(Listed(8192, LongBefore.AddMilliseconds(300)), Parent(8192, LongBefore), ParentListed));

    [Fact]
    public void Decide_compares_a_file_modified_within_the_margin_before_the_parent_listed_it()
    {
        var recent = ParentListed - ReuseDecision.Margin + TimeSpan.FromMilliseconds(500);
        Assert.Equal(ReuseAction.Compare, ReuseDecision.Decide(Listed(8192, recent), Parent(8192, recent), ParentListed));
    }

    [Fact]
    public void Decide_sends_a_file_whose_mtime_changed_but_not_its_size_without_a_checksum_pass_first() =>
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(8192, LongBefore.AddSeconds(5)), Parent(8192, LongBefore), ParentListed));

    [Fact]
    public void Decide_sends_a_new_file_or_one_whose_size_changed()
    {
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(8192, LongBefore), null, ParentListed));
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(16384, LongBefore), Parent(8192, LongBefore), ParentListed));
    }

    [Fact]
    public void Decide_never_links_when_the_parent_came_from_another_node_or_has_no_checksum_it_knows()
    {
        Assert.Equal(ReuseAction.Compare, ReuseDecision.Decide(Listed(8192, LongBefore), Parent(8192, LongBefore), parentListTime: null));
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(8192, LongBefore), Parent(8192, LongBefore, "NONE"), ParentListed));
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(8192, LongBefore), Parent(8192, LongBefore, "SHA512"), ParentListed));
    }

    [Fact]
    public void Decide_links_over_a_crc32c_parent_by_mtime_but_never_compares_by_its_crc()
    {
        Assert.Equal(ReuseAction.Link, ReuseDecision.Decide(Listed(8192, LongBefore.AddMilliseconds(300)), Parent(8192, LongBefore, "CRC32C"), ParentListed));
        var recent = ParentListed - ReuseDecision.Margin + TimeSpan.FromMilliseconds(500);
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(8192, recent), Parent(8192, recent, "CRC32C"), ParentListed));
    }

    [Fact]
    public void Decide_compares_a_small_file_over_another_nodes_crc32c_parent_by_the_content_of_its_copy()
    {
        // Another node's mtimes prove nothing, and a file under 1 MiB has no block map: by a SHA-256 of the parent's copy.
        Assert.Equal(ReuseAction.CompareByContent, ReuseDecision.Decide(Listed(8192, LongBefore), Parent(8192, LongBefore, "CRC32C"), parentListTime: null));
        Assert.Equal(ReuseAction.CompareByContent, ReuseDecision.Decide(Listed(8192, ParentListed.AddHours(1)), Parent(8192, LongBefore, "CRC32C"), parentListTime: null));
        // From 1 MiB the block map compares it; another size is a change; on the parent's node the mtime decides.
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(BlockMap.Threshold, LongBefore), Parent(BlockMap.Threshold, LongBefore, "CRC32C"), parentListTime: null));
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(16384, LongBefore), Parent(8192, LongBefore, "CRC32C"), parentListTime: null));
        Assert.Equal(ReuseAction.Send, ReuseDecision.Decide(Listed(8192, ParentListed.AddHours(1)), Parent(8192, LongBefore, "CRC32C"), ParentListed));
    }
}
