using Pgward.Backup;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class BackupOptionsTests
{
    [Fact]
    public void Defaults_apply_to_a_minimal_section()
    {
        var (options, errors, warnings) = BackupOptions.Bind(
            new Dictionary<string, string> { ["backup_directory"] = "/var/lib/pgward/backup/", ["conninfo"] = "host=10.0.0.1 user=pgward" }, "/etc/pgward.conf");
        Assert.Empty(errors);
        Assert.Empty(warnings);
        Assert.Equal("/var/lib/pgward/backup", options!.BackupDirectory);
        Assert.Equal("pgward_backup", options.SlotName);
        Assert.Equal("zstd", options.Compression);
        Assert.Equal("", options.RetentionPolicy);
        Assert.Equal(0, options.MinimumRedundancy);
        Assert.Equal("backup", options.Name);
    }

    [Fact]
    public void Name_is_taken_when_valid_and_refused_with_what_was_expected_otherwise()
    {
        var section = new Dictionary<string, string> { ["backup_directory"] = "/b", ["conninfo"] = "host=10.0.0.1", ["name"] = "barman-1.dc2" };
        Assert.Equal("barman-1.dc2", BackupOptions.Bind(section, "/etc/pgward.conf").Options!.Name);

        section["name"] = "two words";
        var (options, errors, _) = BackupOptions.Bind(section, "/etc/pgward.conf");
        Assert.Null(options);
        var error = Assert.Single(errors);
        Assert.Equal("name", error.Key);
        Assert.Contains("got \"two words\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_value_is_named_with_what_was_expected()
    {
        var (options, errors, warnings) = BackupOptions.Bind(new Dictionary<string, string>
        {
            ["backup_directory"] = "relative/dir",
            ["conninfo"] = "host='unterminated",
            ["slot_name"] = "Bad-Slot",
            ["compression"] = "gzip",
            ["retention_policy"] = "KEEP 3",
            ["minimum_redundancy"] = "-1",
            ["colour"] = "blue",
        }, "/etc/pgward.conf");
        Assert.Null(options);
        Assert.Equal(["backup_directory", "conninfo", "slot_name", "compression", "retention_policy", "minimum_redundancy"], errors.Select(e => e.Key));
        Assert.Contains("expected an absolute path, got \"relative/dir\"", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("colour", Assert.Single(warnings).Key);
    }

    [Fact]
    public void Backup_schedules_are_taken_when_valid_and_a_bad_one_is_an_error_naming_its_key_and_the_expected_form()
    {
        var section = new Dictionary<string, string>
        {
            ["backup_directory"] = "/b", ["conninfo"] = "host=10.0.0.1", ["backup_schedule"] = " 0 2 * * * ", ["backup_schedule_full"] = "0 2 * * 0",
            ["backup_schedule_timezone"] = "Europe/Paris",
        };
        var (options, errors, warnings) = BackupOptions.Bind(section, "/etc/pgward.conf");
        Assert.Empty(errors);
        Assert.Empty(warnings);
        Assert.Equal(("0 2 * * *", "0 2 * * 0", "Europe/Paris"), (options!.BackupSchedule, options.BackupScheduleFull, options.BackupScheduleTimeZone));
        Assert.Equal("'0 2 * * *' (incremental), full '0 2 * * 0', Europe/Paris", Pgward.Backup.Catalog.BackupSettings.From(options).Schedule?.Describe());

        section["backup_schedule"] = "0 2 * *";
        (options, errors, _) = BackupOptions.Bind(section, "/etc/pgward.conf");
        Assert.Null(options);
        var error = Assert.Single(errors);
        Assert.Equal("backup_schedule", error.Key);
        Assert.Equal("expected a cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. '0 2 * * *' for 02:00 every day), "
            + "6 with seconds first (e.g. '*/30 * * * * *'), or @daily, @weekly, @hourly; got 4 fields in \"0 2 * *\"", error.Message);
        Assert.Contains("backup_schedule", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_scheduled_by_default()
    {
        var (options, _, _) = BackupOptions.Bind(new Dictionary<string, string> { ["backup_directory"] = "/b", ["conninfo"] = "host=10.0.0.1" }, "/etc/pgward.conf");
        Assert.Equal(("", "", "UTC"), (options!.BackupSchedule, options.BackupScheduleFull, options.BackupScheduleTimeZone));
        Assert.Null(Pgward.Backup.Catalog.BackupSettings.From(options).Schedule);
    }

    [Theory]
    [InlineData("redundancy 2", "REDUNDANCY 2")]
    [InlineData("RECOVERY  WINDOW OF 7 days", "RECOVERY WINDOW OF 7 DAYS")]
    [InlineData("RECOVERY WINDOW OF 1 MONTH", "RECOVERY WINDOW OF 1 MONTH")]
    public void Retention_policies_use_barmans_syntax(string text, string normalized)
    {
        var (options, errors, _) = BackupOptions.Bind(new Dictionary<string, string>
        {
            ["backup_directory"] = "/b", ["conninfo"] = "host=a", ["retention_policy"] = text,
        }, "pgward.conf");
        Assert.Empty(errors);
        Assert.Equal(normalized, options!.RetentionPolicy);
    }

    [Fact]
    public void A_missing_section_says_how_to_configure_a_backup_server()
    {
        var (options, errors, _) = BackupOptions.Bind(null, "/etc/pgward.conf");
        Assert.Null(options);
        Assert.Contains("no [backup] section", Assert.Single(errors).Message, StringComparison.Ordinal);
    }
}
