using Cronos;

namespace Pgward.Backup.Scheduling;

/// <summary>
/// When the backup server's daemon takes base backups by itself, and which of them are full: <c>backup_schedule</c>,
/// <c>backup_schedule_full</c> and <c>backup_schedule_timezone</c> of <c>[backup]</c>, parsed with Cronos. Pure: every
/// time is passed in, so that the decisions are tested with fake time.
/// <list type="bullet">
/// <item>A time given by <c>backup_schedule_full</c> takes a full backup, also when <c>backup_schedule</c> gives it too
/// ("full on Sundays, incremental on the other days" is <c>'0 2 * * *'</c> and <c>'0 2 * * 0'</c>).</item>
/// <item>A time given by <c>backup_schedule</c> only takes an incremental backup when <c>backup_schedule_full</c> is set,
/// and otherwise what <c>backup create</c> without options takes.</item>
/// <item>The times are those of <c>backup_schedule_timezone</c> (UTC by default), daylight saving time included as
/// Cronos handles it: a time skipped by the change runs at the change, a time repeated runs once.</item>
/// </list>
/// </summary>
public sealed class BackupSchedule
{
    /// <summary>How far back <see cref="Previous"/> looks for the last time the schedule gave: 5 years (a schedule may
    /// name the 29th of February).</summary>
    private static readonly TimeSpan MaxLookBack = TimeSpan.FromDays(5 * 366);

    private readonly CronExpression? every;
    private readonly CronExpression? full;

    private BackupSchedule(string expression, CronExpression? every, string fullExpression, CronExpression? full, TimeZoneInfo zone)
    {
        Expression = expression;
        this.every = every;
        FullExpression = fullExpression;
        this.full = full;
        TimeZone = zone;
    }

    /// <summary><c>backup_schedule</c> as written; "" when only full backups are scheduled.</summary>
    public string Expression { get; }

    /// <summary><c>backup_schedule_full</c> as written; "" when not set.</summary>
    public string FullExpression { get; }

    /// <summary><c>backup_schedule_timezone</c>: the zone the expressions' times are in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>"'0 2 * * *' (incremental), full '0 2 * * 0', UTC": the schedule on one line.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Expression.Length > 0)
        {
            parts.Add($"'{Expression}'" + (full is null ? "" : " (incremental)"));
        }
        if (FullExpression.Length > 0)
        {
            parts.Add($"full '{FullExpression}'");
        }
        parts.Add(TimeZone.Id);
        return string.Join(", ", parts);
    }

    /// <summary>
    /// The schedule of a <c>[backup]</c> section: null, without errors, when neither <c>backup_schedule</c> nor
    /// <c>backup_schedule_full</c> is set. Each problem is added to <paramref name="errors"/> as the key and what is
    /// wrong with it, and then the result is null.
    /// </summary>
    public static BackupSchedule? Parse(string schedule, string fullSchedule, string timeZone, ICollection<(string Key, string Message)> errors)
    {
        var count = errors.Count;
        var every = schedule.Length > 0 ? ParseCron("backup_schedule", schedule, errors) : null;
        var full = fullSchedule.Length > 0 ? ParseCron("backup_schedule_full", fullSchedule, errors) : null;
        var zone = ParseZone(timeZone, errors);
        return errors.Count > count || (every is null && full is null) ? null : new BackupSchedule(schedule.Trim(), every, fullSchedule.Trim(), full, zone!);
    }

    /// <summary>The first run strictly after <paramref name="after"/>; null when the schedule gives no later time.</summary>
    public ScheduledRun? Next(DateTimeOffset after)
    {
        var e = every?.GetNextOccurrence(after, TimeZone, inclusive: false);
        var f = full?.GetNextOccurrence(after, TimeZone, inclusive: false);
        return Earliest(e, f);
    }

    /// <summary>The last run at or before <paramref name="at"/> (up to 5 years back); null when there is none.</summary>
    public ScheduledRun? Previous(DateTimeOffset at)
    {
        // Cronos looks forward only: look back over a window that doubles until it holds a time of the schedule.
        for (var window = TimeSpan.FromMinutes(1); window <= MaxLookBack * 2; window *= 2)
        {
            var from = at - window;
            var e = Last(every, from, at);
            var f = Last(full, from, at);
            if (e is not null || f is not null)
            {
                // The later of the two; a time both give is full.
                return f is { } ft && (e is null || ft >= e) ? new ScheduledRun(ft, ScheduledBackupKind.Full) : Run(e!.Value);
            }
        }
        return null;
    }

    /// <summary>
    /// The run the daemon takes when it starts at <paramref name="now"/>, for one it missed while it was not running:
    /// the last time the schedule gave, if no backup has begun since (<paramref name="lastBackupBegin"/>, the newest
    /// backup of the catalog, scheduled or taken by hand, failed included: the run took place) and if that time is
    /// nearer than the next one. A daemon restarted a few minutes after 02:00 takes the nightly backup late; one that
    /// was down all day waits for the next night rather than take the day's backup at a time nobody chose. Barman does
    /// not catch up at all (cron runs <c>barman backup</c> or not); anacron catches up whatever the delay. A backup
    /// server with no backup yet (<paramref name="lastBackupBegin"/> null) missed nothing, since it did not run then: its
    /// first backup is the operator's <c>backup create</c> (which would otherwise find this one running and be refused,
    /// half of each day) or the next scheduled run.
    /// </summary>
    public ScheduledRun? Missed(DateTimeOffset now, DateTimeOffset? lastBackupBegin)
    {
        if (lastBackupBegin is null || Previous(now) is not { } previous || lastBackupBegin >= previous.At)
        {
            return null;
        }
        var next = Next(previous.At);
        return next is null || now - previous.At < (next.At - previous.At) / 2 ? previous : null;
    }

    private ScheduledRun? Earliest(DateTimeOffset? e, DateTimeOffset? f)
    {
        if (f is { } ft && (e is null || ft <= e))
        {
            return new ScheduledRun(ft, ScheduledBackupKind.Full);
        }
        return e is { } et ? Run(et) : null;
    }

    // A time of backup_schedule (the caller has checked that backup_schedule_full does not give it, or that it is later).
    private ScheduledRun Run(DateTimeOffset at) =>
        new(at, full is null ? ScheduledBackupKind.Default
            : full.GetNextOccurrence(at, TimeZone, inclusive: true) == at ? ScheduledBackupKind.Full : ScheduledBackupKind.Incremental);

    private DateTimeOffset? Last(CronExpression? expression, DateTimeOffset from, DateTimeOffset to) =>
        expression?.GetOccurrences(from, to, TimeZone, fromInclusive: true, toInclusive: true).Select(t => (DateTimeOffset?)t).LastOrDefault();

    private static CronExpression? ParseCron(string key, string text, ICollection<(string Key, string Message)> errors)
    {
        const string Expected = "expected a cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. '0 2 * * *' "
            + "for 02:00 every day), 6 with seconds first (e.g. '*/30 * * * * *'), or @daily, @weekly, @hourly";
        var trimmed = text.Trim();
        var fields = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        if (!trimmed.StartsWith('@') && fields is not (5 or 6))
        {
            errors.Add((key, $"{Expected}; got {fields} fields in \"{text}\""));
            return null;
        }
        try
        {
            return CronExpression.Parse(trimmed, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            errors.Add((key, $"{Expected}; \"{text}\": {e.Message}"));
            return null;
        }
    }

    private static TimeZoneInfo? ParseZone(string timeZone, ICollection<(string Key, string Message)> errors)
    {
        if (timeZone.Length == 0 || timeZone.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return TimeZoneInfo.Utc;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add(("backup_schedule_timezone", $"expected UTC or a time zone name of the tz database (e.g. Europe/Paris), got \"{timeZone}\""));
            return null;
        }
    }
}
