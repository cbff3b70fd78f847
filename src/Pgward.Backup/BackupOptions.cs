using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.Core.Config;

namespace Pgward.Backup;

/// <summary>
/// The <c>[backup]</c> section of pgward.conf: what a backup server keeps for one cluster and how it reaches it.
/// <code>
/// [backup]
/// backup_directory = '/var/lib/pgward/backup'
/// conninfo = 'host=10.0.0.1 user=pgward dbname=pgward'
/// retention_policy = 'RECOVERY WINDOW OF 7 DAYS'
/// </code>
/// </summary>
public sealed partial record BackupOptions
{
    /// <summary><c>backup_directory</c>: absolute path of the backup server's directory for this cluster (base/, wals/, streaming/). Required.</summary>
    public string BackupDirectory { get; init; } = "";

    /// <summary><c>conninfo</c>: libpq connection string of any node of the cluster; the primary is found from its metadata (pgward.nodes). Required. Passwords in it are never printed.</summary>
    public string Conninfo { get; init; } = "";

    /// <summary><c>slot_name</c>: the physical replication slot WAL is streamed through, created on whichever node is primary. Default <c>pgward_backup</c>.</summary>
    public string SlotName { get; init; } = DefaultSlotName;

    /// <summary><c>compression</c>: how archived WAL and base backups are compressed. Only <c>zstd</c> (the default).</summary>
    public string Compression { get; init; } = "zstd";

    /// <summary><c>retention_policy</c>: <c>REDUNDANCY n</c> or <c>RECOVERY WINDOW OF n DAYS|WEEKS|MONTHS</c> (Barman's syntax). Default "" (keep everything).</summary>
    public string RetentionPolicy { get; init; } = "";

    /// <summary><c>minimum_redundancy</c>: retention never leaves fewer backups than this. Default 0.</summary>
    public int MinimumRedundancy { get; init; }

    /// <summary><c>name</c>: what the backup server is called in the cluster metadata (<c>cluster show</c>,
    /// <c>backup register</c>); unique per cluster. Default <c>backup</c>.</summary>
    public string Name { get; init; } = DefaultName;

    /// <summary><c>backup_schedule</c>: when the daemon (<c>daemon run</c>) takes a base backup by itself, as a cron
    /// expression: 5 fields (minute hour day-of-month month day-of-week, e.g. <c>'0 2 * * *'</c>: 02:00 every day), 6 with
    /// seconds first, or <c>@daily</c>, <c>@weekly</c>, <c>@hourly</c>. With <c>backup_schedule_full</c> set these runs are
    /// incremental, otherwise they take what <c>backup create</c> without options takes. A run whose time passed while the
    /// daemon was down is taken when it starts if that time is nearer than the next one; a run due while a backup is
    /// running (another scheduled one, or <c>backup create</c>) is skipped. Default "" (no scheduled backups: no system
    /// cron job is needed when set).</summary>
    public string BackupSchedule { get; init; } = "";

    /// <summary><c>backup_schedule_full</c>: when a scheduled backup is a full one, a cron expression as for
    /// <c>backup_schedule</c>; a time both give takes a full backup (<c>'0 2 * * 0'</c> beside <c>'0 2 * * *'</c>: full on
    /// Sundays, incremental on the other days, pgBackRest's usual rotation). Default "" (the kind is not scheduled).</summary>
    public string BackupScheduleFull { get; init; } = "";

    /// <summary><c>backup_schedule_timezone</c>: the time zone the schedules' times are in, <c>UTC</c> or a tz database
    /// name such as <c>Europe/Paris</c> (daylight saving time followed). Default <c>UTC</c>, whatever the host's zone: a
    /// system cron job would run in the host's local time.</summary>
    public string BackupScheduleTimeZone { get; init; } = "UTC";

    /// <summary><c>backup_method</c>: how <c>backup create</c> takes a base backup. <c>tar</c> (the default):
    /// pg_basebackup's lz4 tar archives. <c>files</c>: the node's agent reads the data directory file by file between
    /// pg_backup_start and pg_backup_stop and the backup server stores each file compressed, which incremental backups
    /// need (Barman's <c>backup_method = rsync</c>, without SSH).</summary>
    public string BackupMethod { get; init; } = "tar";

    /// <summary><c>reuse_backup</c>: <c>link</c> makes every files backup incremental: files unchanged since the
    /// newest files backup are hard-linked to it instead of copied (Barman's <c>reuse_backup = link</c>); <c>off</c>
    /// (the default) takes full backups unless <c>backup create --incremental</c>. Needs <c>backup_method = files</c>.</summary>
    public string ReuseBackup { get; init; } = "off";

    /// <summary><c>parallel_jobs</c>: how many files a files backup reads, compresses and sends at once, 1 to 32.
    /// Default 2: compressing is what bounds the speed, one core per job on the node; two jobs nearly halve the time of
    /// a backup while leaving the other cores of a larger node to the database.</summary>
    public int ParallelJobs { get; init; } = 2;

    /// <summary><c>wal_summaries</c>: whether an incremental reads the archived WAL since its parent's start for the table
    /// pages it names, and reads only those pages (PostgreSQL 17's <c>summarize_wal</c>). <c>auto</c> (the default):
    /// when that WAL is at most an eighth of the changed table files it spares reading; <c>on</c>: whenever the archive
    /// holds it; <c>off</c>: never (every page of a changed file is read).</summary>
    public string WalSummaries { get; init; } = "auto";

    /// <summary>The configuration file the options came from.</summary>
    public string ConfigFile { get; init; } = "";

    public const string DefaultSlotName = "pgward_backup";

    public const string DefaultName = "backup";

    public BackupLayout Layout => new(BackupDirectory);

    /// <summary>Keys of the section, for "unknown setting" warnings.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["name", "backup_directory", "conninfo", "slot_name", "compression", "retention_policy", "minimum_redundancy",
            "backup_schedule", "backup_schedule_full", "backup_schedule_timezone",
            "backup_method", "reuse_backup", "parallel_jobs", "wal_summaries"];

    /// <summary>
    /// Binds the raw <c>[backup]</c> section (<see cref="ConfigLoadResult.Sections"/>). Pure: every problem is
    /// collected and named by file and key; the options are null when there is any error.
    /// </summary>
    public static (BackupOptions? Options, IReadOnlyList<ConfigProblem> Errors, IReadOnlyList<ConfigProblem> Warnings) Bind(
        IReadOnlyDictionary<string, string>? section, string configFile)
    {
        var errors = new List<ConfigProblem>();
        var warnings = new List<ConfigProblem>();
        if (section is null)
        {
            errors.Add(new ConfigProblem(configFile, 0, null,
                "no [backup] section: this host is not configured as a backup server; add [backup] with backup_directory and conninfo"));
            return (null, errors, warnings);
        }

        var options = new BackupOptions { ConfigFile = configFile };
        void Fail(string key, string message) => errors.Add(new ConfigProblem(configFile, 0, key, message));

        if (!section.TryGetValue("backup_directory", out var directory) || directory.Length == 0)
        {
            Fail("backup_directory", "required setting is missing; expected an absolute path");
        }
        else if (!Path.IsPathFullyQualified(directory))
        {
            Fail("backup_directory", $"expected an absolute path, got \"{directory}\"");
        }
        else
        {
            options = options with { BackupDirectory = Path.TrimEndingDirectorySeparator(directory) };
        }

        if (!section.TryGetValue("conninfo", out var conninfo) || conninfo.Length == 0)
        {
            Fail("conninfo", "required setting is missing; expected the libpq connection string of any node of the cluster");
        }
        else if (!Pgward.Core.Postgres.Conninfo.TryParse(conninfo, out _, out var conninfoError))
        {
            Fail("conninfo", $"expected a libpq connection string: {conninfoError}");
        }
        else
        {
            options = options with { Conninfo = conninfo };
        }

        if (section.TryGetValue("slot_name", out var slot))
        {
            if (!SlotNameRegex().IsMatch(slot))
            {
                Fail("slot_name", $"expected 1-63 lower-case letters, digits and underscores (a replication slot name), got \"{slot}\"");
            }
            else
            {
                options = options with { SlotName = slot };
            }
        }

        if (section.TryGetValue("name", out var name))
        {
            if (!NameRegex().IsMatch(name))
            {
                Fail("name", $"expected 1-63 letters, digits, '.', '_' or '-' (the backup server's name in the cluster metadata), got \"{name}\"");
            }
            else
            {
                options = options with { Name = name };
            }
        }

        if (section.TryGetValue("compression", out var compression) && !compression.Equals("zstd", StringComparison.OrdinalIgnoreCase))
        {
            Fail("compression", $"expected \"zstd\" (the only compression supported), got \"{compression}\"");
        }

        if (section.TryGetValue("retention_policy", out var retention) && retention.Length > 0)
        {
            if (!Retention.RetentionPolicy.TryParse(retention, out _, out _))
            {
                Fail("retention_policy", $"expected \"REDUNDANCY n\" or \"RECOVERY WINDOW OF n DAYS|WEEKS|MONTHS\" (n at least 1), got \"{retention}\"");
            }
            else
            {
                options = options with { RetentionPolicy = string.Join(' ', retention.Trim().ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)) };
            }
        }

        if (section.TryGetValue("minimum_redundancy", out var minimum))
        {
            if (!int.TryParse(minimum, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 1000)
            {
                Fail("minimum_redundancy", $"expected an integer from 0 to 1000, got \"{minimum}\"");
            }
            else
            {
                options = options with { MinimumRedundancy = value };
            }
        }

        var scheduleErrors = new List<(string Key, string Message)>();
        Scheduling.BackupSchedule.Parse(section.GetValueOrDefault("backup_schedule", ""), section.GetValueOrDefault("backup_schedule_full", ""),
            section.GetValueOrDefault("backup_schedule_timezone", "UTC"), scheduleErrors);
        foreach (var (key, message) in scheduleErrors)
        {
            Fail(key, message);
        }
        options = options with
        {
            BackupSchedule = section.GetValueOrDefault("backup_schedule", "").Trim(),
            BackupScheduleFull = section.GetValueOrDefault("backup_schedule_full", "").Trim(),
            BackupScheduleTimeZone = section.GetValueOrDefault("backup_schedule_timezone", "UTC").Trim(),
        };

        if (section.TryGetValue("backup_method", out var method))
        {
            if (method is not ("tar" or "files"))
            {
                Fail("backup_method", $"expected \"tar\" (pg_basebackup) or \"files\" (file by file through the node's agent, needed for incremental backups), got \"{method}\"");
            }
            else
            {
                options = options with { BackupMethod = method };
            }
        }

        if (section.TryGetValue("reuse_backup", out var reuse))
        {
            if (reuse is not ("off" or "link"))
            {
                Fail("reuse_backup", $"expected \"off\" or \"link\" (hard-link unchanged files to the previous files backup), got \"{reuse}\"");
            }
            else if (reuse == "link" && options.BackupMethod != "files")
            {
                Fail("reuse_backup", "link needs backup_method = files: only files backups can share unchanged files");
            }
            else
            {
                options = options with { ReuseBackup = reuse };
            }
        }

        if (section.TryGetValue("parallel_jobs", out var jobs))
        {
            if (!int.TryParse(jobs, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 32)
            {
                Fail("parallel_jobs", $"expected an integer from 1 to 32, got \"{jobs}\"");
            }
            else
            {
                options = options with { ParallelJobs = value };
            }
        }

        if (section.TryGetValue("wal_summaries", out var summaries))
        {
            if (summaries is not ("auto" or "on" or "off"))
            {
                Fail("wal_summaries", $"expected \"auto\" (read the WAL for the changed pages when it costs less than the tables), \"on\" or \"off\", got \"{summaries}\"");
            }
            else
            {
                options = options with { WalSummaries = summaries };
            }
        }

        foreach (var key in section.Keys.Where(k => !Keys.Contains(k)))
        {
            warnings.Add(new ConfigProblem(configFile, 0, key, "unknown setting in [backup]; ignored"));
        }

        return (errors.Count == 0 ? options : null, errors, warnings);
    }

    /// <summary>The conninfo with its password masked, for messages.</summary>
    public string MaskedConninfo =>
        Pgward.Core.Postgres.Conninfo.TryParse(Conninfo, out var parsed, out _) ? parsed!.ToMaskedString() : "(invalid conninfo)";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,63}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotNameRegex();
}
