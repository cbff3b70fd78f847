using Pgward.Backup.Catalog;
using Pgward.Http.Metrics;
using M = Pgward.Backup.Metrics.BackupMetricNames;

namespace Pgward.Backup.Metrics;

/// <summary>Turns <see cref="BackupFacts"/> into the samples of one scrape. Pure.</summary>
public static class BackupSamples
{
    public static IReadOnlyList<MetricSample> From(BackupFacts facts)
    {
        var check = facts.Check;
        var samples = new List<MetricSample>();
        var done = check.Backups.Where(b => b.Status == BackupStatus.Done && b.EndTime is not null).MaxBy(b => b.EndTime);
        if (done is { EndTime: { } end })
        {
            samples.Add(M.LastBackupAge.Sample(Math.Max(0, (facts.Now - end).TotalSeconds)));
            samples.Add(M.LastBackupDuration.Sample(Math.Max(0, (end - done.BeginTime).TotalSeconds)));
        }
        samples.AddRange(Enum.GetValues<BackupStatus>().Select(s =>
            M.Backups.Sample(check.Backups.Count(b => b.Status == s), s.ToName().ToLowerInvariant())));
        if (facts.Lag.Bytes is { } bytes)
        {
            samples.Add(M.ArchiveLagBytes.Sample(bytes));
        }
        if (facts.Lag.Seconds is { } seconds)
        {
            samples.Add(M.ArchiveLagSeconds.Sample(seconds));
        }
        if (check.NewestSegment is { } newest)
        {
            samples.Add(M.LastSegment.Sample(newest.Number, newest.Timeline.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        samples.Add(M.ArchiveBytes.Sample(check.WalBytes));
        samples.Add(M.DiskFree.Sample(check.FreeBytes));
        samples.AddRange(facts.Results.Select(r => M.Check.Sample(r.Ok, r.Name)));
        return samples;
    }
}
