using System.Diagnostics;
using Microsoft.Playwright;
using Pgward.IntegrationTests.Cluster;
using Pgward.IntegrationTests.Failover;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Dashboard;

/// <summary>
/// The agents' web dashboard in a real browser against one real cluster (three nodes, automatic failover), in one test
/// so that the cluster is built once: the token asked for and a wrong one refused, every node listed with its role, a
/// switchover run from the page, then the primary's server killed under the page its own agent serves.
/// </summary>
public sealed class DashboardBrowserTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    private static readonly float Wait = 20_000;

    [Fact]
    public async Task Dashboard_asks_for_the_token_lists_the_nodes_switches_over_from_the_page_and_shows_the_new_primary_within_3_s_of_a_failover()
    {
        await using var cluster = await FailoverCluster.StartAsync(Directory, nodes: 3, witness: false, Token);
        await using var browser = await DashboardBrowser.LaunchAsync(nameof(DashboardBrowserTests));
        var page = await browser.OpenAsync(cluster.AgentUrl(1) + "/");

        // Without the token the page shows nothing of the cluster, and a wrong token is refused.
        await Assertions.Expect(page.Locator("#token-form")).ToBeVisibleAsync(new() { Timeout = Wait });
        await EnterTokenAsync(page, "not-the-token");
        await Assertions.Expect(page.Locator("#token-reason")).ToContainTextAsync("wrong token", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#nodes tbody tr")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync(page, "1-wrong-token");
        var unauthorized = await page.APIRequest.PostAsync(cluster.AgentUrl(1) + "/dashboard/pause",
            new() { DataObject = new { }, Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" } });
        Assert.Equal(401, unauthorized.Status);
        // HAProxy's check of "/" (no Accept: text/html) still gets the primary health check, not the page.
        var check = await page.APIRequest.GetAsync(cluster.AgentUrl(1) + "/");
        Assert.Equal((200, "application/json"), (check.Status, check.Headers["content-type"].Split(';')[0]));

        await EnterTokenAsync(page, SandboxAgents.Token);
        await ExpectRolesAsync(page, ("node1", "primary"), ("node2", "standby"), ("node3", "standby"));
        await Assertions.Expect(page.Locator("#events tbody tr").First).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "2-cluster");

        // A switchover from the page: confirmed (the dialog is accepted), its outcome shown, the new primary listed.
        await page.Locator("button.switchover[data-candidate='node2']").ClickAsync();
        await Assertions.Expect(page.Locator("#outcome")).ToHaveAttributeAsync("data-ok", "true", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#outcome-lines")).ToContainTextAsync("node2", new() { Timeout = Wait });
        await ExpectRolesAsync(page, ("node1", "standby"), ("node2", "primary"), ("node3", "standby"));
        Assert.Equal(2, await cluster.PrimaryAsync(Token));
        await browser.ScreenshotAsync(page, "3-switchover");

        // The page of the new primary's own agent, which goes on answering after its server is killed.
        var served = await browser.OpenAsync(cluster.AgentUrl(2) + "/");
        await EnterTokenAsync(served, SandboxAgents.Token);
        await ExpectRolesAsync(served, ("node2", "primary"));
        var clock = Stopwatch.StartNew();
        await cluster.Sandbox.KillPostmasterAsync(2, Token);
        var killed = clock.Elapsed;
        var promoting = Task.Run(async () =>
        {
            await cluster.WaitForPrimaryAsync(except: 2, TimeSpan.FromSeconds(30), Token);
            return clock.Elapsed;
        }, Token);
        var newPrimary = served.Locator("#nodes tbody tr[data-role='primary']:not([data-node='node2'])");
        await Assertions.Expect(newPrimary).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var shown = clock.Elapsed;
        var promoted = await promoting;
        await browser.ScreenshotAsync(served, "4-failover");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"killed at {killed.TotalSeconds:0.00} s; a standby answered as primary at {promoted.TotalSeconds:0.00} s; the page showed it at {shown.TotalSeconds:0.00} s");
        // Both clocks poll (the page every second, the test every 100 ms): the page may even be first.
        Assert.True(shown - promoted < TimeSpan.FromSeconds(3),
            $"the page showed the new primary {(shown - promoted).TotalSeconds:0.00} s after it was promoted\n{cluster.Agents.Logs()}");
    }

    private static async Task EnterTokenAsync(IPage page, string token)
    {
        await page.Locator("#token-input").FillAsync(token);
        await page.Locator("#token-submit").ClickAsync();
    }

    private static async Task ExpectRolesAsync(IPage page, params (string Node, string Role)[] expected)
    {
        foreach (var (node, role) in expected)
        {
            await Assertions.Expect(page.Locator($"#nodes tbody tr[data-node='{node}'] td.role")).ToHaveTextAsync(role, new() { Timeout = Wait });
        }
    }
}
