using Pgward.Testing.Chaos;
using Xunit;

namespace Pgward.UnitTests.Chaos;

public sealed class ChaosWorkloadOptionsTests
{
    private const string Write = "Host=127.0.0.1:5432,127.0.0.1:5433;Username=pgward;Target Session Attributes=read-write";

    [Fact]
    public void Readers_prefer_standbys_on_the_writers_hosts_by_default() =>
        Assert.Contains("Target Session Attributes=prefer-standby", new ChaosWorkloadOptions(Write).EffectiveReadConnectionString,
            StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Readers_use_the_connection_string_given()
    {
        var options = new ChaosWorkloadOptions(Write) { ReadConnectionString = "Host=127.0.0.1:5433" };

        Assert.Equal("Host=127.0.0.1:5433", options.EffectiveReadConnectionString);
    }

    [Fact]
    public void Validate_refuses_writers_without_a_synchronous_commit_to_draw()
    {
        var error = Assert.Throws<ArgumentException>(() => (new ChaosWorkloadOptions(Write) { SynchronousCommits = [] }).Validate());

        Assert.Contains("SynchronousCommits is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingOf_deals_every_synchronous_commit_to_one_of_three_writers_and_repeats_with_the_seed()
    {
        foreach (var seed in new[] { 1, 2, 3, 4, 5 })
        {
            var options = new ChaosWorkloadOptions(Write) { SynchronousCommits = SynchronousCommits.All, Seed = seed };
            var dealt = Enumerable.Range(1, 3).Select(options.SettingOf).ToList();

            Assert.Equal(SynchronousCommits.All, dealt.Order());
            Assert.Equal(dealt, Enumerable.Range(1, 3).Select((options with { }).SettingOf));
        }
        Assert.Equal(SynchronousCommit.On, new ChaosWorkloadOptions(Write).SettingOf(2));
    }

    [Fact]
    public void Validate_refuses_more_writers_than_ids_can_hold()
    {
        var error = Assert.Throws<ArgumentException>(() => (new ChaosWorkloadOptions(Write) { Writers = 1000 }).Validate());

        Assert.Contains("give 1 to 999 writers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_refuses_a_table_name_that_is_not_a_plain_identifier() =>
        Assert.Throws<ArgumentException>(() => (new ChaosWorkloadOptions(Write) { Table = "rows; DROP TABLE x" }).Validate());

    [Fact]
    public void Ids_hold_the_client_above_its_sequence()
    {
        Assert.Equal(3_000_000_017, ChaosIds.For(3, 17));
        Assert.Equal(3, ChaosIds.Client(ChaosIds.For(3, 999_999_999)));
    }
}
