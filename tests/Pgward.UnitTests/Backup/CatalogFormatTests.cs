using System.Security.Cryptography;
using System.Text;
using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Core.Checksums;
using Pgward.Core.Postgres;
using static Pgward.UnitTests.Backup.BackupInfos;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class CatalogFormatTests
{
    [Fact]
    public void Backup_info_round_trips_through_its_file_format()
    {
        var info = Done("20261125T163407", Now) with { Name = "before upgrade", Keep = true, Error = "line one\nline two", Size = 1234, DataSize = 5678 };
        var text = BackupInfoFile.Render(info);
        Assert.Contains("begin_wal=000000010000000000000002\n", text, StringComparison.Ordinal);
        Assert.Contains("error=line one line two\n", text, StringComparison.Ordinal);
        Assert.Equal(info with { Error = "line one line two" }, BackupInfoFile.Parse(text));
    }

    /// <summary>Barman's keys, so that a Debian source's configuration files outside the data directory are known at recovery.</summary>
    [Fact]
    public void The_sources_data_directory_and_configuration_files_round_trip_under_barmans_keys()
    {
        var files = new ServerFiles("/var/lib/postgresql/15/main", "/etc/postgresql/15/main/postgresql.conf",
            "/etc/postgresql/15/main/pg_hba.conf", "/var/lib/postgresql/15/main/pg_ident.conf");
        var text = BackupInfoFile.Render(Done("a", Now) with { SourceFiles = files });

        Assert.Contains("pgdata=/var/lib/postgresql/15/main\nconfig_file=/etc/postgresql/15/main/postgresql.conf\n", text, StringComparison.Ordinal);
        Assert.Equal(files, BackupInfoFile.Parse(text).SourceFiles);
        Assert.Equal(new ServerFiles(null, null, null, null), BackupInfoFile.Parse(BackupInfoFile.Render(Done("a", Now))).SourceFiles);
    }

    [Fact]
    public void A_recovery_names_the_configuration_files_the_backup_does_not_hold()
    {
        var debian = new ServerFiles("/var/lib/postgresql/15/main", "/etc/postgresql/15/main/postgresql.conf",
            "/etc/postgresql/15/main/pg_hba.conf", "/var/lib/postgresql/15/main/pg_ident.conf");

        Assert.Equal(["/etc/postgresql/15/main/postgresql.conf", "/etc/postgresql/15/main/pg_hba.conf"], debian.Outside());
        Assert.Equal("the backup holds the data directory of db1 only: /etc/postgresql/15/main/postgresql.conf, "
            + "/etc/postgresql/15/main/pg_hba.conf were outside it and are not restored (as with pg_basebackup or Barman); "
            + "the server starts only once its configuration is in place", debian.NotRestored("db1"));
        // A sibling directory whose name starts like the data directory's is outside it.
        Assert.Equal(["/var/lib/postgresql/15/main2/pg_hba.conf"],
            (debian with { ConfigFile = null, HbaFile = "/var/lib/postgresql/15/main2/pg_hba.conf" }).Outside());
        Assert.Null((debian with { ConfigFile = null, HbaFile = null }).NotRestored("db1"));
        Assert.Empty((debian with { DataDirectory = null }).Outside());
    }

    [Fact]
    public void The_end_wal_is_the_segment_of_the_last_byte_not_of_the_end_lsn()
    {
        // Barman issue 250: a backup ending at 0/2A000000 needs ...29, and waiting for ...2A would never end on an idle server.
        Assert.Equal("000000020000000000000029", WalSegment.ContainingLastByteBefore(2, Lsn.Parse("0/2A000000"), WalSegment.DefaultSize).Name(WalSegment.DefaultSize));
        Assert.Equal("00000002000000000000002A", WalSegment.ContainingLastByteBefore(2, Lsn.Parse("0/2A000100"), WalSegment.DefaultSize).Name(WalSegment.DefaultSize));
        Assert.Equal("000000020000000100000000", WalSegment.Containing(2, Lsn.Parse("1/00000028"), WalSegment.DefaultSize).Name(WalSegment.DefaultSize));
    }

    [Fact]
    public void Segment_names_parse_back_to_positions()
    {
        Assert.True(WalSegment.TryParse("0000000200000001000000FF", WalSegment.DefaultSize, out var segment));
        Assert.Equal(2u, segment.Timeline);
        Assert.Equal(Lsn.Parse("1/FF000000"), segment.Start(WalSegment.DefaultSize));
        Assert.False(WalSegment.TryParse("000000020000000100000100", WalSegment.DefaultSize, out _));
        Assert.False(WalSegment.TryParse("00000002.history", WalSegment.DefaultSize, out _));
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value_and_the_manifest_byte_order()
    {
        var crc = new Crc32C();
        crc.Append("1234"u8);
        crc.Append("56789"u8);
        Assert.Equal(0xE3069283u, crc.Value);
        Assert.Equal("839206e3", crc.ToManifestHex());
    }

    [Fact]
    public void Manifest_parses_files_and_wal_range_and_checks_its_own_checksum()
    {
        var body = "{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [\n"
            + "{ \"Path\": \"global/pg_control\", \"Size\": 8192, \"Last-Modified\": \"2026-11-25 16:34:07 GMT\", \"Checksum-Algorithm\": \"CRC32C\", \"Checksum\": \"43872087\" },\n"
            + "{ \"Encoded-Path\": \"6162\", \"Size\": 3, \"Last-Modified\": \"2026-11-25 16:34:07 GMT\" }\n],\n"
            + "\"WAL-Ranges\": [\n{ \"Timeline\": 2, \"Start-LSN\": \"0/29000028\", \"End-LSN\": \"0/29000100\" }\n],\n";
        var sum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var text = body + $"\"Manifest-Checksum\": \"{sum}\"}}\n";

        var manifest = BackupManifest.Parse(text);

        Assert.Equal(["global/pg_control", "ab"], manifest.Files.Select(f => f.Path));
        Assert.Equal("NONE", manifest.Files[1].Algorithm);
        Assert.Equal(new ManifestWalRange(2, Lsn.Parse("0/29000028"), Lsn.Parse("0/29000100")), manifest.WalRanges[0]);
        Assert.Equal(8195, manifest.TotalSize);
        Assert.True(BackupManifest.ChecksumMatches(text, manifest.ManifestChecksum));
        Assert.False(BackupManifest.ChecksumMatches(text.Replace("8192", "8193", StringComparison.Ordinal), manifest.ManifestChecksum));
        Assert.Throws<FormatException>(() => BackupManifest.Parse("{}"));
    }

    [Fact]
    public void Ids_are_utc_start_times_and_skip_to_the_next_free_second()
    {
        var start = new DateTimeOffset(2026, 11, 25, 17, 34, 7, TimeSpan.FromHours(1));
        Assert.Equal("20261125T163407", BackupIds.Next(start, _ => false));
        Assert.Equal("20261125T163408", BackupIds.Next(start, id => id == "20261125T163407"));
        Assert.True(BackupIds.IsId("20261125T163407"));
        Assert.False(BackupIds.IsId("monday"));
    }

    [Fact]
    public void Pg_basebackup_takes_tar_client_lz4_no_wal_and_a_crc32c_manifest()
    {
        var args = string.Join(' ', PgBaseBackupArguments.For("/b/base/x/data", "host=h", "x"));
        Assert.Contains("--format tar --compress client-lz4 --wal-method none --manifest-checksums CRC32C", args, StringComparison.Ordinal);
    }

    [Fact]
    public void Wal_size_of_a_backup_runs_to_the_next_backups_begin()
    {
        var backups = new[] { Done("a", Now.AddDays(-2), beginSegment: 2), Done("b", Now.AddDays(-1), beginSegment: 5) };
        var segments = Enumerable.Range(2, 6).Select(n => new ArchivedSegment(new WalSegment(1, (ulong)n), 100, Now)).ToList();
        var sizes = BackupWalSizes.Of(backups, segments);
        Assert.Equal(300, sizes["a"]);
        Assert.Equal(300, sizes["b"]);
    }
}
