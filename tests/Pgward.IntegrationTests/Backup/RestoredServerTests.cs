using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>What <c>backup recover</c> leaves of the settings pgward's agents and commands manage on a cluster member.</summary>
public sealed class RestoredServerTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Restored_and_promoted_server_commits_a_write_although_its_primary_waited_for_the_commit_lease()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        await primary.ExecuteAsync("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g", Token);
        // What the agent writes with ALTER SYSTEM on a primary (the commit lease, a clone's upstream settings). Not
        // reloaded: the primary goes on committing alone, and the base backup copies postgresql.auto.conf as it is.
        await primary.ExecuteAsync("ALTER SYSTEM SET synchronous_standby_names = 'pgward_lease'", Token);
        await primary.ExecuteAsync("ALTER SYSTEM SET primary_conninfo = 'host=10.9.9.9 port=5432 user=repl'", Token);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);
        var backupId = await server.CreateDoneBackupAsync(Token);

        var destination = await PgServer.DataDirectoryFor(Directory, "restored", Token);
        var recover = await server.RunAsync(Token, "recover", backupId, destination, "--target-immediate", "--target-action", "promote");
        Assert.True(recover.ExitCode == 0, recover.ToString());
        await server.UseApphostRestoreCommandAsync(destination, Token);

        // The harness turns synchronous_commit off, and with it every wait for a synchronous standby.
        var restored = await PgServer.AdoptAsync(Directory, "restored", BackupServerFixture.PrimarySettings.WithGuc("synchronous_commit", "on"), Token);
        await restored.StartAsync(Token);
        while (await restored.QueryScalarAsync<bool>("SELECT pg_is_in_recovery()", Token))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Token);
        }
        Assert.Equal("", await restored.QueryScalarAsync<string>("SHOW synchronous_standby_names", Token));
        // A commit that waits for a synchronous standby never returns: give it seconds, not the test's deadline.
        var write = restored.ExecuteAsync("CREATE TABLE written_after_restore (i int); INSERT INTO written_after_restore VALUES (1)", Token);
        var finished = await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(15), TimeProvider.System, Token));
        try
        {
            Assert.True(finished == write, "the first write on the restored server did not commit within 15 s (SyncRep wait?)\n" + restored.TailLog(30));
            await write;
        }
        finally
        {
            await restored.StopAsync(immediate: true, Token);
        }
        Assert.Contains("reset synchronous_standby_names, primary_conninfo", recover.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("10.9.9.9", recover.Error, StringComparison.Ordinal);
    }
}
