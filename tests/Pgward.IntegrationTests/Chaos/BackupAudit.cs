using Pgward.IntegrationTests.Cluster;
using Pgward.IntegrationTests.Network;
using Pgward.Testing.Chaos;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>
/// The end of a run with a backup server: the checker reads the backups as it reads every node. Once the faults are
/// over and the cluster healthy, it lets the base backups the faults started end, takes one more (a backup after the
/// faults must succeed), closes the primary's WAL segment and waits until the archive holds it (everything the
/// clients wrote is then archived), runs <c>backup check</c>, recovers the run's first backup and then that last one to
/// the end of the archive on the backup host and reads their rows. <see cref="BackupJudge"/> compares them with the
/// final primary's.
/// </summary>
public sealed class BackupAudit(NetworkCluster cluster, Action<string> log)
{
    public async Task<BackupVerdict> RunAsync(BackupNemesis nemesis, CancellationToken ct)
    {
        var backup = cluster.Backup ?? throw new ArgumentException("the cluster has no backup server");
        var attempts = await nemesis.FinishAsync(ct);
        backup.StartDaemon();
        var primary = await cluster.HealthyPrimaryAsync(ct) ?? await cluster.PrimaryAsync(ct);
        if (primary is not { } primaryId)
        {
            return new BackupVerdict(null, 0, 0, [], [], ["no primary to compare the backups with"]);
        }
        var files = backup.Method == BackupMethods.Files;
        var touched = files ? await nemesis.TouchBallastAsync(ct) : "";
        var final = await backup.PgwardAsync(ct, "backup", "create", "--wait", "-v");
        var switchWal = await backup.PgwardAsync(ct, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
        var check = await backup.PgwardAsync(ct, "backup", "check", "--nagios");
        var statuses = await backup.StatusesAsync(ct);
        var primaryRows = await new ChaosTable().ReadAllAsync(cluster.ConnectionString(primaryId), ct);
        var primaryBallast = files ? await BackupBallast.DigestAsync(cluster.ConnectionString(primaryId), ct) : null;
        var (restored, restoredBallast, recoveryProblem) = await RestoreAsync(backup, backup.FirstBackupId, files, ct);
        // The backup taken after the faults, recovered the same way: with files backups an incremental whose chain runs
        // through whatever the faults left (a killed backup, a failover to another node and timeline).
        var finalId = final.ExitCode == 0 ? BackupHost.BackupIdIn(final.Out + final.Error) : null;
        var (finalRestored, finalBallast, finalProblem) = finalId is null ? (null, null, null) : await RestoreAsync(backup, finalId, files, ct);
        log($"backup: {DaemonTroubles(backup)}; {(files ? touched + " before the " : "")}final backup exit {final.ExitCode}{Sent(final)}, switch-wal exit {switchWal.ExitCode}, check: {check.Out.Trim()}; "
            + $"{(restored is { } r ? $"{r.Ids.Count} rows recovered from {backup.FirstBackupId}" : recoveryProblem)}; "
            + $"{(finalRestored is { } f ? $"{f.Ids.Count} rows recovered from {finalId}" : finalProblem ?? "the final backup not recovered")}; "
            + $"catalog: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
        var verdict = BackupJudge.Judge(new BackupFacts(primaryRows, restored, recoveryProblem,
            ArchiveProblem: switchWal.ExitCode == 0 ? null : LastLines(switchWal),
            CheckPassed: check.ExitCode == 0, CheckOutput: check.Out,
            FinalBackupProblem: final.ExitCode == 0 ? null : LastLines(final),
            attempts, statuses)
        {
            FinalRestored = finalRestored,
            FinalRecoveryProblem = final.ExitCode == 0 && finalId is null ? $"backup create printed no backup id: {LastLines(final)}" : finalProblem,
            PrimaryBallast = primaryBallast,
            RestoredBallast = restoredBallast,
            FinalBallast = finalBallast,
        });
        if (!verdict.Passed)
        {
            await DescribeAsync(backup, statuses, ct);
        }
        return verdict;
    }

    /// <summary>The archive is on a tmpfs that goes with the run: what a failed run needs to be understood is logged now.</summary>
    private async Task DescribeAsync(BackupHost backup, IReadOnlyDictionary<string, string> statuses, CancellationToken ct)
    {
        foreach (var id in statuses.Where(s => s.Value is not ("DONE" or "FAILED")).Select(s => s.Key))
        {
            log($"backup show {id}:\n{(await backup.PgwardAsync(ct, "backup", "show", id)).Out}");
        }
        var wals = Path.Combine(backup.Disk.Path, "wals");
        if (System.IO.Directory.Exists(wals))
        {
            log("archive: " + string.Join(" ", System.IO.Directory.EnumerateFiles(wals, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order()));
            foreach (var history in System.IO.Directory.EnumerateFiles(wals, "*.history"))
            {
                log($"{Path.GetFileName(history)}: {(await File.ReadAllTextAsync(history, ct)).Trim()}");
            }
        }
    }

    /// <summary>Recovers <paramref name="backupId"/> to the end of the archive and reads its rows, and with
    /// <paramref name="ballast"/> the digest of <see cref="BackupBallast"/>'s table.</summary>
    private async Task<(NodeRows? Rows, string? Ballast, string? Problem)> RestoreAsync(BackupHost backup, string backupId, bool ballast, CancellationToken ct)
    {
        var (server, problem) = await RestoredServer.RecoverAsync(backup, backupId, cluster.Network[NetworkCluster.ClientHost], ct);
        if (server is null)
        {
            return (null, null, problem);
        }
        await using (server)
        {
            return (await server.ReadRowsAsync(ct), ballast ? await BackupBallast.DigestAsync(server.ConnectionString, ct) : null, null);
        }
    }

    /// <summary>How often the WAL receiver was cut off and why, from the daemon's log: that a fault hit it at all.</summary>
    private static string DaemonTroubles(BackupHost backup)
    {
        using var stream = new FileStream(backup.DaemonLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n');
        int Count(string text) => lines.Count(l => l.Contains(text, StringComparison.Ordinal));
        return $"receiver interrupted {Count("WAL streaming interrupted")}x, {Count("No space left on device")} lines of ENOSPC, "
            + $"{Count("streaming WAL from")} streaming starts";
    }

    /// <summary>What a files backup says it sent, linked and patched ("N files sent (...), M linked ...; K sent as
    /// changed blocks ..."), and whether the WAL named its changed pages: that an incremental stored block patches, and
    /// planned them from the receiver's summaries, at all.</summary>
    private static string Sent(CliRun run)
    {
        var lines = (run.Out + run.Error).Split('\n');
        var planned = lines.Any(l => l.Contains("names the changed blocks of", StringComparison.Ordinal)) ? "; its changed pages named by the WAL"
            : lines.FirstOrDefault(l => l.Contains("INFO: the WAL since", StringComparison.Ordinal)) is { } why ? $"; {why.Trim()}" : "";
        return lines.FirstOrDefault(l => l.Contains(" files sent (", StringComparison.Ordinal)) is { } line
            ? $" ({line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()}{planned})"
            : "";
    }

    private static string LastLines(CliRun run) =>
        $"exit {run.ExitCode}: " + string.Join(" | ", (run.Error + run.Out).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
