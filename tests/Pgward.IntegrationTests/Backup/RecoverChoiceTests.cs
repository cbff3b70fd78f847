using System.Globalization;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

public sealed class RecoverChoiceTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Latest_picks_the_newest_backup_ending_before_the_target_and_an_explicit_later_backup_is_refused()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);
        await primary.ExecuteAsync("CREATE TABLE t (id int)", Token);
        var older = await server.CreateDoneBackupAsync(Token);
        await primary.ExecuteAsync("INSERT INTO t VALUES (1)", Token);
        var between = (await primary.QueryScalarAsync<DateTime>("SELECT now()", Token))
            .ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture);
        await Task.Delay(TimeSpan.FromMilliseconds(1100), TimeProvider.System, Token);
        var newer = await server.CreateDoneBackupAsync(Token);

        var refused = await server.RunAsync(Token, "recover", newer, Path.Combine(Directory.Path, "refused"), "--target-time", between);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains($"is before the end of backup {newer}", refused.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(Path.Combine(Directory.Path, "refused")));

        var destination = Path.Combine(Directory.Path, "restored");
        var latest = await server.RunAsync(Token, "recover", "latest", destination, "--target-time", between, "--target-action", "promote");
        Assert.True(latest.ExitCode == 0, latest.ToString());
        Assert.Contains($"restoring backup {older} ", latest.Error, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(destination));
        Assert.True(File.Exists(Path.Combine(destination, "recovery.signal")));
        Assert.False(File.Exists(Path.Combine(destination, "standby.signal")));
        var auto = await File.ReadAllTextAsync(Path.Combine(destination, "postgresql.auto.conf"), Token);
        Assert.Contains($"recovery_target_time = '{between}'\n", auto, StringComparison.Ordinal);
        Assert.Contains("recovery_target_action = 'promote'\n", auto, StringComparison.Ordinal);

        var notEmpty = await server.RunAsync(Token, "recover", "latest", destination);
        Assert.True(notEmpty.ExitCode == 1, notEmpty.ToString());
        Assert.Contains($"the destination directory {destination} is not empty", notEmpty.Error, StringComparison.Ordinal);

        var noTarget = await server.RunAsync(Token, "recover", "latest", Path.Combine(Directory.Path, "x"), "--target-action", "pause");
        Assert.Contains("--target-action needs a recovery target", noTarget.Error, StringComparison.Ordinal);
        var two = await server.RunAsync(Token, "recover", "latest", Path.Combine(Directory.Path, "x"), "--target-xid", "1000", "--target-immediate");
        Assert.Contains("give at most one of", two.Error, StringComparison.Ordinal);
    }
}
