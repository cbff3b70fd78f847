using System.CommandLine;
using System.Globalization;
using Pgward.Backup;
using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Backup.Checks;
using Pgward.Backup.Recovery;
using Pgward.Backup.Retention;
using Pgward.Backup.Scheduling;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Commands;

/// <summary>
/// <c>backup create|list|show|status|delete|keep|verify|check|cron|recover</c>: base backups, their catalog,
/// retention and recovery on the backup server configured by pgward.conf's <c>[backup]</c> section.
/// </summary>
public static class BackupCommands
{
    public static void AddTo(Command backup, CommandRunner runner)
    {
        backup.Add(BuildCreate(runner));
        backup.Add(BuildList(runner));
        backup.Add(BuildShow(runner));
        backup.Add(BuildStatus(runner));
        backup.Add(BuildDelete(runner));
        backup.Add(BuildKeep(runner));
        backup.Add(BuildVerify(runner));
        backup.Add(BuildCheck(runner));
        backup.Add(BuildCron(runner));
        backup.Add(BuildRecover(runner));
    }

    private static Command BuildCreate(CommandRunner runner)
    {
        var wait = new Option<bool>("--wait", "-w") { Description = "wait until every WAL segment the backup needs is archived (status DONE)" };
        var name = new Option<string?>("--name") { Description = "a name to refer to the backup by, besides its id" };
        var from = new Option<string?>("--from") { Description = "name or ID of the node to back up (default: the primary)" };
        var waitTimeout = NumberOptions.OptionalWholeNumber("--wait-timeout", "seconds --wait waits for the WAL (default 60)", min: 1, max: 86400, unit: "seconds");
        var incremental = new Option<bool>("--incremental") { Description = "a files backup that hard-links the files unchanged since the newest files backup (a full one when there is none)" };
        var full = new Option<bool>("--full") { Description = "a full backup even with reuse_backup = link" };
        var create = new Command("create", "take a base backup of the primary (or of a standby): with pg_basebackup, or file by file through the node's agent (backup_method = files, --incremental)")
        {
            wait, waitTimeout, name, from, incremental, full,
        };
        create.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            if (parse.GetValue(incremental) && parse.GetValue(full))
            {
                return Outcome.Fail(ExitCodes.BadConfig, "--incremental and --full contradict each other", hint: "give one of them");
            }
            if (parse.GetValue(full) && server.Settings.Method != Pgward.Backup.Catalog.BackupMethod.Files)
            {
                return Outcome.Fail(ExitCodes.BadConfig, "--full is for files backups, and backup_method is tar (every tar backup is full)",
                    hint: "leave out --full, or set backup_method = files in the [backup] section");
            }
            var outcome = (await new BaseBackupCreator(server).RunAsync(
                new BaseBackupRequest(parse.GetValue(wait), parse.GetValue(name), parse.GetValue(from))
                {
                    WaitTimeout = parse.GetValue(waitTimeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                    Incremental = parse.GetValue(incremental) ? true : parse.GetValue(full) ? false : null,
                }, token)).Outcome;
            if (outcome.Succeeded)
            {
                await BackupRegisterCommands.RefreshQuietlyAsync(server.Context, token);
            }
            return outcome;
        }, ct));
        return create;
    }

    private static Command BuildList(CommandRunner runner)
    {
        var json = CommonOptions.Json();
        var list = new Command("list", "the base backups, newest first: id, end time, size, WAL size, status") { json };
        list.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            var backups = await new BackupWalCompletion(server.Catalog, server.Archive).RefreshAsync(token);
            var walSizes = BackupWalSizes.Of(backups, new ArchivedWalScan(server.Layout).Segments());
            var newestFirst = backups.Reverse().ToList();
            if (parse.GetValue(json))
            {
                using var buffer = new MemoryStream();
                BackupListing.WriteJson(buffer, newestFirst, walSizes);
                runner.Environment.Out.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            else
            {
                BackupListing.WriteText(runner.Environment.Out, newestFirst, walSizes);
            }
            return Outcome.Ok;
        }, ct));
        return list;
    }

    private static Command BuildShow(CommandRunner runner)
    {
        var id = BackupId("the backup: id, name, latest or oldest");
        var show = new Command("show", "everything the catalog knows about one backup") { id };
        show.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            var backups = await new BackupWalCompletion(server.Catalog, server.Archive).RefreshAsync(token);
            if (Find(server, parse.GetValue(id)!) is not { } backup)
            {
                return NoSuchBackup(parse.GetValue(id)!);
            }
            var index = backups.ToList().FindIndex(b => b.Id == backup.Id);
            var walSizes = BackupWalSizes.Of(backups, new ArchivedWalScan(server.Layout).Segments());
            BackupListing.WriteShow(runner.Environment.Out, backups[index], walSizes.GetValueOrDefault(backup.Id),
                index > 0 ? backups[index - 1] : null, index + 1 < backups.Count ? backups[index + 1] : null);
            return Outcome.Ok;
        }, ct));
        return show;
    }

    private static Command BuildStatus(CommandRunner runner)
    {
        var status = new Command("status", "the backup server: cluster, backups, WAL archive, retention, disk usage");
        status.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            var backups = await new BackupWalCompletion(server.Catalog, server.Archive).RefreshAsync(token);
            var (source, reached) = await new BackupSourceResolver(server.Context, server.Layout).ResolveAsync(server.Settings.Conninfo, null, token);
            var segments = new ArchivedWalScan(server.Layout).Segments();
            var done = backups.Count(b => b.Status == BackupStatus.Done);
            var output = runner.Environment.Out;
            output.WriteLine($"Backup server {server.Layout.Root}:");
            output.WriteLine($"\tCluster: {(source is null ? "unreachable: " + reached.Error : $"primary \"{source.Name}\", system id {source.SystemIdentifier}")}");
            output.WriteLine($"\tBackups: {backups.Count} ({done} DONE), first {backups.FirstOrDefault()?.Id ?? "-"}, last {backups.LastOrDefault()?.Id ?? "-"}");
            output.WriteLine($"\tBackups size: {ByteSize.Format(backups.Sum(b => b.Size))}");
            output.WriteLine($"\tWAL archive: {segments.Count} segments, {ByteSize.Format(segments.Sum(s => s.SizeOnDisk))}, "
                + $"first {segments.FirstOrDefault()?.Segment.Name(WalSegment.DefaultSize) ?? "-"}, last {segments.LastOrDefault()?.Segment.Name(WalSegment.DefaultSize) ?? "-"}");
            output.WriteLine($"\tRetention policy: {server.Settings.RetentionPolicy?.ToString() ?? "none (every backup is kept)"}");
            var min = server.Settings.MinimumRedundancy;
            output.WriteLine($"\tMinimum redundancy requirements: {(done >= min ? "satisfied" : "FAILED")} ({done}/{min})");
            WriteSummaries(output, server, backups, segments);
            WriteSchedule(output, server.Settings.Schedule, server.Context.Time.GetUtcNow());
            return Outcome.Ok;
        }, ct));
        return status;
    }

    /// <summary><c>backup status</c>'s WAL summaries line: how much of the WAL the next incremental reads for its changed
    /// pages the receiver has summarised (<see cref="WalSummaryCoverage"/>); what it has not, that incremental decodes.</summary>
    private static void WriteSummaries(TextWriter output, BackupServer server, IReadOnlyList<BackupInfo> backups, IReadOnlyList<ArchivedSegment> segments)
    {
        var parent = backups.LastOrDefault(b => b.Status == BackupStatus.Done && b.Method == BackupMethod.Files);
        var timeline = segments.Count > 0 ? segments[^1].Segment.Timeline : parent?.Timeline;
        var line = server.Settings.WalSummaries == WalSummaryUse.Off ? "not used (wal_summaries = off: incrementals read changed table files whole)"
            : parent is null ? "not used yet (no DONE files backup for an incremental to build on)"
            : parent.Timeline != timeline ? $"not used by the next incremental (its parent, {parent.Id}, is on timeline {parent.Timeline}, the archive on {timeline})"
            : Describe(WalSummaryCoverage.Of(new WalSummaryStore(server.Layout, WalSegment.DefaultSize), segments, parent.Timeline, parent.BeginLsn, WalSegment.DefaultSize),
                $"since backup {parent.Id} began");
        output.WriteLine($"\tWAL summaries: {line}");

        static string Describe(WalSummaryCoverage coverage, string since) => coverage switch
        {
            { Segments: 0 } => $"no segment archived {since} yet",
            { Missing: 0 } => $"all {coverage.Segments} segments archived {since}",
            _ => $"{coverage.Segments - coverage.Missing} of the {coverage.Segments} segments archived {since}; the next incremental decodes the other"
                + $" {coverage.Missing} (the first {coverage.FirstMissing!.Value.Name(WalSegment.DefaultSize)}; the receiver's log says why)",
        };
    }

    /// <summary><c>backup status</c>'s schedule lines: what backup_schedule says and when the daemon takes the next backup.</summary>
    private static void WriteSchedule(TextWriter output, BackupSchedule? schedule, DateTimeOffset now)
    {
        if (schedule is null)
        {
            output.WriteLine("\tBackup schedule: none (backup_schedule is not set: backups are taken by backup create only)");
            return;
        }
        output.WriteLine($"\tBackup schedule: {schedule.Describe()}");
        output.WriteLine(schedule.Next(now) is { } next
            ? $"\tNext scheduled backup: {BackupListing.Time(next.At)} "
              + (next.Kind == ScheduledBackupKind.Default ? "(as backup create takes it; the daemon takes it)" : $"({next.Label}; the daemon takes it)")
            : "\tNext scheduled backup: none (the schedule gives no later time)");
    }

    private static Command BuildDelete(CommandRunner runner)
    {
        var id = BackupId("the backup to delete: id or name");
        var dryRun = CommonOptions.DryRun();
        var delete = new Command("delete", "delete a backup (and the WAL only it needed); refuses kept backups and minimum_redundancy") { id, dryRun };
        delete.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            var backups = await new BackupWalCompletion(server.Catalog, server.Archive).RefreshAsync(token);
            if (Find(server, parse.GetValue(id)!) is not { } backup)
            {
                return NoSuchBackup(parse.GetValue(id)!);
            }
            if (backup.Keep)
            {
                return Outcome.Fail(ExitCodes.BadConfig, $"backup {backup.Id} is kept",
                    hint: $"release it first with: pgward backup keep --release {backup.Id}");
            }
            var doneAfter = backups.Count(b => b.Status == BackupStatus.Done && b.Id != backup.Id);
            if (backup.Status == BackupStatus.Done && doneAfter < server.Settings.MinimumRedundancy)
            {
                return Outcome.Fail(ExitCodes.BadConfig,
                    $"deleting backup {backup.Id} would leave {doneAfter} DONE backups, fewer than minimum_redundancy = {server.Settings.MinimumRedundancy}",
                    hint: "take a new backup first (pgward backup create), or lower minimum_redundancy in the [backup] section");
            }
            if (PatchDependencies.Dependents(backups, backup.Id) is { Count: > 0 } dependents)
            {
                var names = string.Join(", ", dependents.Select(b => b.Id));
                return Outcome.Fail(ExitCodes.BadConfig,
                    $"backup {backup.Id} is needed by backup {names}: its files are stored as block patches over {backup.Id}'s copies",
                    hint: $"delete {names} first (newest first), or keep both");
            }
            var dry = parse.GetValue(dryRun);
            server.Context.Reporter.Notice($"{(dry ? "would delete" : "deleting")} backup {backup.Id}");
            if (!dry)
            {
                server.Catalog.Delete(backup.Id);
            }
            Enforcer(server).PruneWal([.. backups.Where(b => b.Id != backup.Id)], dry);
            return Outcome.Ok;
        }, ct));
        return delete;
    }

    private static Command BuildKeep(CommandRunner runner)
    {
        var id = BackupId("the backup: id or name");
        var release = new Option<bool>("--release", "-r") { Description = "stop keeping it: retention may delete it again" };
        var keep = new Command("keep", "keep a backup: retention and backup delete leave it alone") { id, release };
        keep.SetAction((parse, ct) => RunAsync(runner, parse, (server, _) =>
        {
            if (Find(server, parse.GetValue(id)!) is not { } backup)
            {
                return Task.FromResult(NoSuchBackup(parse.GetValue(id)!));
            }
            var keeping = !parse.GetValue(release);
            if (keeping && backup.Status != BackupStatus.Done)
            {
                return Task.FromResult(Outcome.Fail(ExitCodes.BadConfig, $"backup {backup.Id} is {backup.Status.ToName()}: only DONE backups can be kept"));
            }
            server.Catalog.Save(backup with { Keep = keeping });
            server.Context.Reporter.Notice(keeping ? $"backup {backup.Id} is kept" : $"backup {backup.Id} is no longer kept");
            return Task.FromResult(Outcome.Ok);
        }, ct));
        return keep;
    }

    private static Command BuildVerify(CommandRunner runner)
    {
        var id = new Argument<string?>("ID") { Description = "the backup: id, name, latest or oldest", Arity = ArgumentArity.ZeroOrOne };
        var wal = new Option<bool>("--wal")
        {
            Description = "read back every archived WAL file that recovery from the oldest backup needs, not only a backup's own",
        };
        var verify = new Command("verify", "re-read a backup: every file against the manifest's checksums, and the WAL from begin to end; "
            + "with --wal, the whole WAL archive") { id, wal };
        verify.Validators.Add(result =>
        {
            if (result.GetValue(id) is null && !result.GetValue(wal))
            {
                result.AddError("give the backup to verify (ID), or --wal to verify the WAL archive");
            }
        });
        verify.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            var outcome = parse.GetValue(id) is { } reference ? await VerifyBackupAsync(runner, server, reference, token) : Outcome.Ok;
            return outcome.Succeeded && parse.GetValue(wal) ? await VerifyWalAsync(runner, server, token) : outcome;
        }, ct));
        return verify;
    }

    private static async Task<Outcome> VerifyBackupAsync(CommandRunner runner, BackupServer server, string reference, CancellationToken ct)
    {
        if (Find(server, reference) is not { } backup)
        {
            return NoSuchBackup(reference);
        }
        var report = await new BackupVerifier(server.Catalog, server.Archive).VerifyAsync(backup, ct);
        var summary = $"{report.FilesChecked} files ({ByteSize.Format(report.BytesChecked)}) and {report.SegmentsChecked} WAL segments";
        if (report.Succeeded)
        {
            runner.Environment.Out.WriteLine($"backup {backup.Id} verified: {summary} match");
            return Outcome.Ok;
        }
        foreach (var problem in report.Problems)
        {
            runner.Environment.Out.WriteLine(problem);
        }
        return Outcome.Fail(ExitCodes.BadBaseBackup, $"backup {backup.Id} failed verification: {report.Problems.Count} problem(s) in {summary}",
            detail: report.Problems[0]);
    }

    private static async Task<Outcome> VerifyWalAsync(CommandRunner runner, BackupServer server, CancellationToken ct)
    {
        var result = await new WalArchiveVerifier(server.Layout, new WalArchive(server.Layout)).VerifyAsync(everything: true, ct);
        if (result.Succeeded)
        {
            runner.Environment.Out.WriteLine($"WAL archive verified: {result.Read} archived files since the oldest backup read back sound");
            return Outcome.Ok;
        }
        foreach (var (walFile, problem) in result.Damaged)
        {
            runner.Environment.Out.WriteLine($"WAL segment {walFile}: {problem}");
        }
        return Outcome.Fail(ExitCodes.BadBaseBackup, $"WAL archive failed verification: {result.Damaged.Count} of {result.Read} archived files damaged",
            detail: $"recovery from the oldest backup stops at {result.Damaged[0].WalFile}",
            hint: "take a new base backup once the segments after the damage are archived; recovery to a point before the damage still works");
    }

    private static Command BuildCheck(CommandRunner runner)
    {
        var nagios = new Option<bool>("--nagios") { Description = "Nagios plugin output: one OK or CRITICAL line, exit 0 or 2" };
        var check = new Command("check", "health of the backup server: connection, slot, WAL streaming, archive, redundancy, backup age, disk") { nagios };
        check.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            var (results, facts) = await new BackupChecker(server).RunAsync(token);
            if (parse.GetValue(nagios))
            {
                BackupCheckOutput.WriteNagios(runner.Environment.Out, results, facts);
            }
            else
            {
                BackupCheckOutput.WriteList(runner.Environment.Out, server.Layout.Root, results);
            }
            return new Outcome(results.All(r => r.Ok) ? (int)CheckStatus.Ok : (int)CheckStatus.Critical);
        }, ct));
        return check;
    }

    private static Command BuildCron(CommandRunner runner)
    {
        var dryRun = CommonOptions.DryRun();
        var cron = new Command("cron", "periodic upkeep: mark backups DONE whose WAL arrived, apply the retention policy") { dryRun };
        cron.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            await new BackupWalCompletion(server.Catalog, server.Archive).RefreshAsync(token);
            if (server.Settings.RetentionPolicy is { } policy)
            {
                var run = Enforcer(server).Apply(policy, server.Settings.MinimumRedundancy, parse.GetValue(dryRun));
                server.Context.Reporter.Info($"retention ({policy}): {run.Deleted.Count} backups and {run.SegmentsDeleted} WAL segments deleted");
            }
            return Outcome.Ok;
        }, ct));
        return cron;
    }

    private static Command BuildRecover(CommandRunner runner)
    {
        var id = BackupId("the backup to restore: id, name, or latest (the newest DONE backup that ends before the target)");
        var destination = new Argument<string?>("DEST") { Description = "an empty (or missing) directory to restore into", Arity = ArgumentArity.ZeroOrOne };
        var node = new Option<string?>("--node")
        {
            Description = "restore onto this node instead, through its agent (no SSH): it pulls the backup from this backup server's "
                + "endpoint into its stopped data directory and fetches WAL with backup wal-fetch. To bring back a standby: stop it, "
                + "recover --node it with --target-immediate, start it (recovery pauses once the backup is consistent), stop it, then "
                + "pgward node rejoin -d '<primary conninfo>' on it makes it a streaming standby again",
        };
        var delta = new Option<bool>("--delta") { Description = "with --node: keep the files the node already has that match the backup (by the checksum in its manifest: CRC32C or SHA-256), fetch only the others" };
        var time = new Option<string?>("--target-time") { Description = "recover to this time, e.g. '2026-11-25 16:34:07.123+00' (no zone: UTC)" };
        var xid = new Option<string?>("--target-xid") { Description = "recover to this transaction ID" };
        var name = new Option<string?>("--target-name") { Description = "recover to this restore point (pg_create_restore_point)" };
        var lsn = new Option<string?>("--target-lsn") { Description = "recover to this LSN" };
        var immediate = new Option<bool>("--target-immediate") { Description = "stop as soon as the backup is consistent" };
        var tli = new Option<string?>("--target-tli") { Description = "timeline to follow: latest (default), current, or a number" };
        var action = new Option<string?>("--target-action") { Description = "at the target: pause (PostgreSQL's default), promote or shutdown" };
        action.AcceptOnlyFromAmong("pause", "promote", "shutdown");
        var exclusive = new Option<bool>("--exclusive") { Description = "stop just before the target instead of just after it" };
        var tablespace = new Option<string[]>("--tablespace")
        {
            Description = "OID:LOCATION: restore that tablespace into LOCATION (an empty absolute directory) instead of where it was",
        };
        var recover = new Command("recover", "restore a backup into a directory, set to replay archived WAL to a target")
        {
            id, destination, node, delta, time, xid, name, lsn, immediate, tli, action, exclusive, tablespace,
        };
        recover.Validators.Add(result =>
        {
            if ((result.GetValue(destination) is null) == (result.GetValue(node) is null))
            {
                result.AddError("give either DEST (a directory on this host) or --node NAME (a node's data directory, through its agent)");
            }
            if (result.GetValue(node) is not null && (result.GetValue(tablespace) ?? []).Length > 0)
            {
                result.AddError("--tablespace works only with DEST: with --node, tablespaces go where the backup's tablespace_map says");
            }
            if (result.GetValue(delta) && result.GetValue(node) is null)
            {
                result.AddError("--delta needs --node (DEST must be an empty directory)");
            }
            if (result.GetValue(tli) is { } t && t is not ("latest" or "current") && !uint.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                result.AddError($"--target-tli {t}: expected latest, current or a timeline number");
            }
            foreach (var each in result.GetValue(tablespace) ?? [])
            {
                if (ParseTablespace(each) is null)
                {
                    result.AddError($"--tablespace {each}: expected OID:LOCATION with a numeric OID and an absolute LOCATION");
                }
            }
        });
        recover.SetAction((parse, ct) => RunAsync(runner, parse, async (server, token) =>
        {
            var (target, error) = RecoveryTarget.From(parse.GetValue(time), parse.GetValue(xid), parse.GetValue(name), parse.GetValue(lsn), parse.GetValue(immediate));
            if (target is null)
            {
                return Outcome.Fail(ExitCodes.BadConfig, error!);
            }
            if (parse.GetValue(node) is { } nodeName)
            {
                var body = new RecoverBody(Delta: parse.GetValue(delta), TargetTime: parse.GetValue(time), TargetXid: parse.GetValue(xid),
                    TargetName: parse.GetValue(name), TargetLsn: parse.GetValue(lsn), TargetImmediate: parse.GetValue(immediate),
                    TargetTimeline: parse.GetValue(tli), TargetAction: parse.GetValue(action), Exclusive: parse.GetValue(exclusive));
                return await new NodeRecovery(server).RunAsync(parse.GetValue(id)!, nodeName, target, body, token);
            }
            var request = new RecoveryRequest(parse.GetValue(id)!, parse.GetValue(destination)!, target, parse.GetValue(tli),
                parse.GetValue(action), parse.GetValue(exclusive), RecoverySettings.PgwardRestoreCommand(PgwardExecutable.Resolve(runner.Environment.GetEnvironmentVariable), server.Context.Options.ConfigFile))
            {
                TablespaceLocations = (parse.GetValue(tablespace) ?? []).Select(t => ParseTablespace(t)!.Value)
                    .ToDictionary(t => t.Oid, t => t.Location, StringComparer.Ordinal),
            };
            return (await new BackupRecovery(server).RunAsync(request, token)).Outcome;
        }, ct));
        return recover;
    }

    private static (string Oid, string Location)? ParseTablespace(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && text[..colon].All(char.IsAsciiDigit) && Path.IsPathFullyQualified(text[(colon + 1)..])
            ? (text[..colon], Path.TrimEndingDirectorySeparator(text[(colon + 1)..]))
            : null;
    }

    private static Argument<string> BackupId(string description) => new("ID") { Description = description };

    private static BackupInfo? Find(BackupServer server, string reference) => server.Catalog.Find(reference);

    private static Outcome NoSuchBackup(string reference) =>
        Outcome.Fail(ExitCodes.BadConfig, $"no backup \"{reference}\" in the catalog", hint: "see the backups with: pgward backup list");

    private static RetentionEnforcer Enforcer(BackupServer server) =>
        new(server.Catalog, server.Archive, server.Context.Reporter, server.Context.Time);

    private static Task<int> RunAsync(CommandRunner runner, ParseResult parse, Func<BackupServer, CancellationToken, Task<Outcome>> operation, CancellationToken ct) =>
        runner.RunAsync(parse, backupServer: true, ct: ct, operation: async (ctx, token) =>
        {
            if (BackupCommandGroup.BindSection(ctx.Options.ConfigFile, ctx.Reporter) is not { } options)
            {
                return new Outcome(ExitCodes.BadConfig);
            }
            var settings = BackupSettings.From(options);
            return await operation(new BackupServer(ctx, settings, new WalArchive(new BackupLayout(settings.BackupDirectory))), token);
        });
}
