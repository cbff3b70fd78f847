using Pgward.Backup.Catalog;
using Pgward.Backup.Checks;
using Pgward.Backup.Metrics;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;
using Pgward.Http.Metrics;
using Xunit;
using M = Pgward.Backup.Metrics.BackupMetricNames;

namespace Pgward.UnitTests.Backup.Metrics;

public sealed class BackupSamplesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-05T12:00:00Z");

    private static BackupInfo Backup(string id, BackupStatus status, DateTimeOffset begin, DateTimeOffset? end) =>
        new() { Id = id, Status = status, SystemIdentifier = "1", BeginTime = begin, EndTime = end };

    private static double? Value(IReadOnlyList<MetricSample> samples, MetricDefinition metric, params string[] labels) =>
        samples.SingleOrDefault(s => s.Metric == metric && s.LabelValues.SequenceEqual(labels))?.Value;

    [Fact]
    public void The_newest_done_backup_gives_the_age_and_duration_and_every_status_is_counted()
    {
        var facts = new BackupCheckFacts
        {
            Backups =
            [
                Backup("a", BackupStatus.Done, Now.AddHours(-26), Now.AddHours(-25)),
                Backup("b", BackupStatus.Done, Now.AddMinutes(-70), Now.AddMinutes(-60)),
                Backup("c", BackupStatus.Failed, Now.AddMinutes(-5), null),
            ],
            FreeBytes = 1000,
            WalBytes = 300,
            NewestSegment = new WalSegment(2, 0x1_0000_0005),
        };
        var samples = BackupSamples.From(new BackupFacts(facts, [new("PostgreSQL", true, ""), new("disk space", false, "")], new ArchiveLag(0, 0), Now));

        Assert.Equal(3600, Value(samples, M.LastBackupAge));
        Assert.Equal(600, Value(samples, M.LastBackupDuration));
        Assert.Equal(2, Value(samples, M.Backups, "done"));
        Assert.Equal(1, Value(samples, M.Backups, "failed"));
        Assert.Equal(0, Value(samples, M.Backups, "waiting_for_wals"));
        Assert.Equal(0, Value(samples, M.Backups, "started"));
        Assert.Equal(0x1_0000_0005, Value(samples, M.LastSegment, "2"));
        Assert.Equal(1000, Value(samples, M.DiskFree));
        Assert.Equal(1, Value(samples, M.Check, "PostgreSQL"));
        Assert.Equal(0, Value(samples, M.Check, "disk space"));
        Assert.Equal(0, Value(samples, M.ArchiveLagBytes));
    }

    [Fact]
    public void Without_a_done_backup_or_a_known_lag_those_series_are_absent()
    {
        var samples = BackupSamples.From(new BackupFacts(new BackupCheckFacts(), [], ArchiveLag.Unknown, Now));

        Assert.DoesNotContain(samples, s => s.Metric == M.LastBackupAge || s.Metric == M.ArchiveLagBytes || s.Metric == M.ArchiveLagSeconds
            || s.Metric == M.LastSegment);
        Assert.All(samples, s => Assert.Contains(s.Metric, M.All));
    }

    [Fact]
    public void The_lag_is_measured_from_what_the_streaming_receiver_flushed_with_its_flush_lag()
    {
        var lag = ArchiveLag.From(new Lsn(0x5000100), flushed: new Lsn(0x5000000), flushLagSeconds: 0.2, slotRestart: new Lsn(0x4000000),
            lastArrival: Now.AddSeconds(-30), Now);

        Assert.Equal(new ArchiveLag(0x100, 0.2), lag);
    }

    [Fact]
    public void Without_a_streaming_receiver_the_lag_is_from_the_slot_and_the_last_arrival()
    {
        var lag = ArchiveLag.From(new Lsn(0x5000000), flushed: null, flushLagSeconds: null, slotRestart: new Lsn(0x4000000),
            lastArrival: Now.AddSeconds(-30), Now);

        Assert.Equal(new ArchiveLag(0x1000000, 30), lag);
    }

    [Fact]
    public void A_caught_up_archive_is_zero_seconds_behind_and_without_a_primary_the_lag_is_unknown()
    {
        Assert.Equal(new ArchiveLag(0, 0), ArchiveLag.From(new Lsn(0x5000000), new Lsn(0x5000000), null, null, Now.AddHours(-1), Now));
        Assert.Equal(ArchiveLag.Unknown, ArchiveLag.From(null, new Lsn(0x5000000), null, null, null, Now));
        Assert.Equal(ArchiveLag.Unknown, ArchiveLag.From(new Lsn(0x5000000), null, null, null, null, Now));
    }
}
