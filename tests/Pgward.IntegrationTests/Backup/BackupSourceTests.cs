using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

public sealed class BackupSourceTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Create_finds_the_primary_through_a_standby_and_from_standby_waits_until_its_wal_is_archived()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        var standbyConninfo = sandbox.Conninfo(2);
        var server = await BackupServerFixture.CreateAsync(Directory, standbyConninfo, sandbox.ConnectionString(1), sandbox.DataDirectory(1), Token);

        var fromPrimary = await server.RunAsync(Token, "create");
        Assert.True(fromPrimary.ExitCode == 0, fromPrimary.ToString());
        Assert.Contains("of \"node1\" into", fromPrimary.Error, StringComparison.Ordinal);

        // The test archive stands in for the receiver: it archives what the primary completes while create waits.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var feeding = FeedAsync(server, stop.Token);
        var fromStandby = await server.RunAsync(Token, "create", "--from", "node2", "--wait");
        await stop.CancelAsync();
        await feeding;

        Assert.True(fromStandby.ExitCode == 0, fromStandby.ToString());
        Assert.Contains("of \"node2\" (standby) into", fromStandby.Error, StringComparison.Ordinal);
        Assert.Contains("is DONE", fromStandby.Error, StringComparison.Ordinal);
        var verify = await server.RunAsync(Token, "verify", "latest");
        Assert.True(verify.ExitCode == 0, verify.ToString());

        var unknown = await server.RunAsync(Token, "create", "--from", "node9");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("--from node9: no primary or standby with that name or ID is registered", unknown.Error, StringComparison.Ordinal);
    }

    private static async Task FeedAsync(BackupServerFixture server, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await server.ArchiveWalAsync(ct);
                await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
