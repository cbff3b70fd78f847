using System.Formats.Tar;
using K4os.Compression.LZ4.Streams;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup;

public sealed class BackupDamageTests : PgIntegrationTest
{
    protected override TimeSpan Deadline => TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Verify_names_the_file_whose_contents_changed_inside_the_lz4_tar()
    {
        var (server, id) = await BackupAsync();
        var archive = Path.Combine(server.Layout.Backup(id), "data", "base.tar.lz4");
        await RewriteEntryAsync(archive, "PG_VERSION", content => { content[0] ^= 0x01; });

        var verify = await server.RunAsync(Token, "verify", id);

        Assert.True(verify.ExitCode == 14, verify.ToString());
        Assert.Contains("PG_VERSION (in base.tar.lz4): CRC32C checksum", verify.Out, StringComparison.Ordinal);
        Assert.Contains($"backup {id} failed verification: 1 problem(s)", verify.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_fails_naming_the_archive_when_the_compressed_bytes_are_damaged()
    {
        var (server, id) = await BackupAsync();
        var archive = Path.Combine(server.Layout.Backup(id), "data", "base.tar.lz4");
        var bytes = await File.ReadAllBytesAsync(archive, Token);
        for (var i = bytes.Length / 3; i < bytes.Length / 3 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }
        await File.WriteAllBytesAsync(archive, bytes, Token);

        var verify = await server.RunAsync(Token, "verify", id);

        Assert.True(verify.ExitCode == 14, verify.ToString());
        Assert.Matches(@"(in base\.tar\.lz4\)|^base\.tar\.lz4: unreadable after )", verify.Out);
    }

    [Fact]
    public async Task Verify_and_check_name_a_missing_or_truncated_wal_segment()
    {
        var (server, id) = await BackupAsync();
        var info = server.Layout.Backup(id);
        var beginWal = File.ReadAllLines(Path.Combine(info, "backup.info")).Single(l => l.StartsWith("begin_wal=", StringComparison.Ordinal))[10..];
        var segment = Path.Combine(server.Layout.WalFolder(beginWal), beginWal + ".zst");

        var bytes = await File.ReadAllBytesAsync(segment, Token);
        await File.WriteAllBytesAsync(segment, bytes[..(bytes.Length / 2)], Token);
        var truncated = await server.RunAsync(Token, "verify", id);
        Assert.True(truncated.ExitCode == 14, truncated.ToString());
        Assert.Contains($"WAL segment {beginWal}: needed by the backup but missing or damaged in the archive", truncated.Out, StringComparison.Ordinal);

        File.Delete(segment);
        var missing = await server.RunAsync(Token, "verify", id);
        Assert.Contains($"WAL segment {beginWal}", missing.Out, StringComparison.Ordinal);
        var check = await server.RunAsync(Token, "check");
        Assert.True(check.ExitCode == 2, check.ToString());
        Assert.Contains($"WAL archive continuity: FAILED (missing 1 segment(s): {beginWal})", check.Out, StringComparison.Ordinal);
    }

    private async Task<(BackupServerFixture Server, string Id)> BackupAsync()
    {
        var primary = await StartServerAsync("primary", BackupServerFixture.PrimarySettings);
        await primary.ExecuteAsync("CREATE TABLE t AS SELECT g AS id, md5(g::text) AS filler FROM generate_series(1, 20000) g", Token);
        var server = await BackupServerFixture.CreateAsync(Directory, primary, Token);
        return (server, await server.CreateDoneBackupAsync(Token));
    }

    /// <summary>Rewrites the lz4 tar with one entry's contents changed by <paramref name="change"/> (same size).</summary>
    private async Task RewriteEntryAsync(string archive, string entryName, Action<byte[]> change)
    {
        var rewritten = archive + ".new";
        await using (var input = LZ4Stream.Decode(File.OpenRead(archive)))
        await using (var output = LZ4Stream.Encode(File.Create(rewritten)))
        {
            using var reader = new TarReader(input);
            await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: true, Token) is { } entry)
            {
                if (entry.Name == entryName && entry.DataStream is { } data)
                {
                    var content = new byte[data.Length];
                    await data.ReadExactlyAsync(content, Token);
                    change(content);
                    entry.DataStream = new MemoryStream(content);
                }
                await writer.WriteEntryAsync(entry, Token);
            }
        }
        File.Move(rewritten, archive, overwrite: true);
    }
}
