using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Harness;

public sealed class StandbyTests : PgIntegrationTest
{
    [Fact]
    public async Task Standby_made_with_pg_basebackup_receives_a_row_from_primary()
    {
        var primary = await StartServerAsync("primary");
        await primary.ExecuteAsync("create table t (id int primary key)", Token);
        var env = PgTestEnvironment.Require();
        var standbyData = await PgServer.DataDirectoryFor(Directory, "standby", Token);

        var backup = await env.Runner.RunAsync(env.ToolRequest("pg_basebackup",
            ["-D", standbyData, "-R", "-X", "stream", "-c", "fast", "-d", primary.Conninfo],
            TimeSpan.FromSeconds(60)), Token);
        Assert.True(backup.Succeeded, backup.Describe());
        var standby = await PgServer.AdoptAsync(Directory, "standby", PgServerSettings.Default, Token);
        await standby.StartAsync(Token);
        await primary.ExecuteAsync("insert into t values (42)", Token);

        Assert.True(await standby.QueryScalarAsync<bool>("select pg_is_in_recovery()", Token));
        Assert.Equal(42, await WaitForRowAsync(standby));
    }

    private async Task<int> WaitForRowAsync(PgServer standby)
    {
        while (true)
        {
            var found = await standby.QueryScalarAsync<long>("select count(*) from t where id = 42", Token);
            if (found == 1)
            {
                return 42;
            }

            // Replay is asynchronous: poll until the row arrives or the test deadline cancels Token.
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, Token);
        }
    }
}
