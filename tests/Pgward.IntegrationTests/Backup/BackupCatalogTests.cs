using Pgward.Backup.Base;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

public sealed class BackupCatalogTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Create_waits_for_wal_then_list_show_and_verify_report_a_done_backup()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        await primary.ExecuteAsync("CREATE TABLE t AS SELECT g AS id, md5(g::text) AS filler FROM generate_series(1, 20000) g", Token);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);

        var create = await server.RunAsync(Token, "create", "--name", "monday");
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("WAITING_FOR_WALS", create.Error, StringComparison.Ordinal);
        var waiting = await server.RunAsync(Token, "list");
        Assert.EndsWith("WAITING_FOR_WALS (monday)", waiting.Out.Trim(), StringComparison.Ordinal);

        await server.ArchiveWalAsync(Token);
        var list = await server.RunAsync(Token, "list");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(list.Out.Trim(), @"^\d{8}T\d{6} - \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00 - Size: [\d.]+ MiB - WAL Size: [\d.]+ (B|KiB|MiB) \(monday\)$"), list.ToString());
        var id = list.Out.Split(' ')[0];
        Assert.True(BackupIds.IsId(id));

        var json = await server.RunAsync(Token, "list", "--json");
        Assert.Contains($"\"backup_id\": \"{id}\"", json.Out, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"DONE\"", json.Out, StringComparison.Ordinal);

        var show = await server.RunAsync(Token, "show", "monday");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"Backup {id}:", show.Out, StringComparison.Ordinal);
        Assert.Contains("Status                : DONE", show.Out, StringComparison.Ordinal);
        Assert.Contains("Timeline              : 1", show.Out, StringComparison.Ordinal);

        var verify = await server.RunAsync(Token, "verify", "latest");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"backup {id} verified", verify.Out, StringComparison.Ordinal);

        var info = await File.ReadAllTextAsync(Path.Combine(server.Layout.Backup(id), "backup.info"), Token);
        var systemId = await primary.QueryScalarAsync<string>("SELECT system_identifier::text FROM pg_control_system()", Token);
        Assert.Contains($"systemid={systemId}\n", info, StringComparison.Ordinal);
        Assert.Contains("status=DONE\n", info, StringComparison.Ordinal);
    }
}
