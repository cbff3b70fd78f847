using Pgward.Backup.Wal;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

/// <summary>Damage to archived WAL that no backup's own begin-to-end range covers: recovery past it would stop early.</summary>
public sealed class WalArchiveIntegrityTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Check_and_verify_wal_name_a_damaged_segment_after_the_newest_backup()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        await primary.ExecuteAsync("CREATE TABLE t (id int, filler text)", Token);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);
        await server.CreateDoneBackupAsync(Token);
        for (var i = 0; i < 3; i++)
        {
            await primary.ExecuteAsync("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 20000) g", Token);
            await server.ArchiveWalAsync(Token);
        }

        // A first check reads the archive while it is sound (and may remember that it was).
        var sound = await server.RunAsync(Token, "check");
        Assert.Contains("WAL archive integrity: OK", sound.Out, StringComparison.Ordinal);

        var segments = new WalArchive(server.Layout).Segments();
        var damaged = segments[^2].Name(WalSegment.DefaultSize);
        var path = server.Layout.ArchivedSegment(damaged);
        var bytes = await File.ReadAllBytesAsync(path, Token);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Token);

        var check = await server.RunAsync(Token, "check");
        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains("WAL archive integrity: FAILED", check.Out, StringComparison.Ordinal);
        Assert.Contains(damaged, check.Out, StringComparison.Ordinal);

        var nagios = await server.RunAsync(Token, "check", "--nagios");
        Assert.True(nagios.ExitCode == 2, nagios.ToString());
        Assert.StartsWith("PGWARD CRITICAL", nagios.Out, StringComparison.Ordinal);
        Assert.Contains($"WAL archive integrity: FAILED (damaged segment {damaged}", nagios.Out, StringComparison.Ordinal);

        var verify = await server.RunAsync(Token, "verify", "--wal");
        Assert.True(verify.ExitCode == 14, verify.ToString());
        Assert.Contains($"WAL segment {damaged}", verify.Out, StringComparison.Ordinal);
    }
}
