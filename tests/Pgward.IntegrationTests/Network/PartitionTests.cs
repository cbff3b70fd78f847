using Pgward.Testing;
using Xunit;
using static Pgward.IntegrationTests.Failover.FailoverTests;

namespace Pgward.IntegrationTests.Network;

/// <summary>Issue 4's network scenarios: every node its own host, links cut between them while a client writes.</summary>
public sealed class PartitionTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Theory]
    [InlineData("async")]
    [InlineData("sync")]
    public async Task Primary_cut_off_from_the_other_nodes_but_not_from_clients_fences_itself_before_a_standby_takes_over_and_rejoins_after_the_cut_heals(string mode)
    {
        await using var cluster = await NetworkCluster.StartAsync(Directory, nodes: 3, witness: true, Token, $"replication_mode = {mode}");
        await using var load = await WriteLoad.StartAsync(cluster.ClientConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);

        // The client still reaches node1: only a fence stops it from taking writes that nobody else holds.
        await cluster.Network.PartitionAsync(["node1"], ["node2", "node3", "witness"], Token);
        var cutAt = Now();
        int primary;
        try
        {
            primary = await cluster.WaitForPrimaryAsync(except: 1, TimeSpan.FromSeconds(20), Token);
            // Fenced: restarted read-only behind the guard, and saying so.
            await cluster.WaitAsync(async () => await cluster.ReportAsync(1, Token) is { FailoverState: "fenced", Role: "standby" },
                TimeSpan.FromSeconds(15), "node1 fenced", Token);
            await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);
        }
        finally
        {
            await cluster.Network.HealAsync(Token);
        }
        await cluster.WaitForStandbyAsync(1, primary, TimeSpan.FromSeconds(60), Token);
        await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);

        var result = await load.StopAsync();
        Assert.Empty(result.InterleavedPrimaries());
        var lost = result.Acknowledged.Except(await WriteLoad.RowsAsync(cluster.ConnectionString(primary), Token)).ToList();
        var resumed = result.AcknowledgedBy.First(a => a.Port != cluster.Port(1) && a.At > cutAt).At - cutAt;
        var lastOnOld = result.AcknowledgedBy.Where(a => a.Port == cluster.Port(1)).Select(a => a.At).DefaultIfEmpty(cutAt).Max() - cutAt;
        TestContext.Current.TestOutputHelper?.WriteLine($"{mode}: last write on node1 {lastOnOld.TotalSeconds:0.00} s after the cut; "
            + $"writes resumed on node{primary} {resumed.TotalSeconds:0.00} s after it; {lost.Count} acknowledged rows lost");
        if (mode == "sync")
        {
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged rows lost: {string.Join(",", lost.Take(20))}\n{cluster.Agents.Logs()}");
        }
        // In async mode node1 takes writes until it fences: what it took alone is lost, but it stopped first.
        Assert.True(lastOnOld < resumed, $"node1 acknowledged a write {lastOnOld.TotalSeconds:0.00} s after the cut, after node{primary} took over");
    }

    [Fact]
    public async Task A_standby_that_loses_the_primary_while_the_witness_still_sees_it_does_not_fail_over()
    {
        await using var cluster = await NetworkCluster.StartAsync(Directory, nodes: 2, witness: true, Token);
        var terms = await cluster.TermsAsync(Token);
        await using var load = await WriteLoad.StartAsync(cluster.ClientConnectionString, TimeSpan.FromMilliseconds(10), Token);
        await load.WaitForAcknowledgedAsync(50, Token);

        await cluster.Network.PartitionAsync(["node2"], ["node1"], Token);
        try
        {
            // Longer than detection and a promotion would take.
            await Task.Delay(TimeSpan.FromSeconds(6), TimeProvider.System, Token);
            Assert.Equal(terms, await cluster.TermsAsync(Token));
            Assert.Equal("primary", (await cluster.ReportAsync(1, Token))?.FailoverState);
            Assert.Equal("standby", (await cluster.ReportAsync(2, Token))?.Role);
            await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Token);
        }
        finally
        {
            await cluster.Network.HealAsync(Token);
        }
        await cluster.WaitForStandbyAsync(2, 1, TimeSpan.FromSeconds(30), Token);

        var result = await load.StopAsync();
        Assert.All(result.AcknowledgedBy, a => Assert.Equal(cluster.Port(1), a.Port));
        Assert.Equal(terms, await cluster.TermsAsync(Token));
    }
}
