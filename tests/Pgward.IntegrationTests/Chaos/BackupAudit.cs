using Pgward.IntegrationTests.Cluster;
using Pgward.IntegrationTests.Network;
using Pgward.Testing.Chaos;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>
/// The end of a run with a backup server: the checker reads the backups as it reads every node. Once the faults are
/// over and the cluster healthy, it lets the base backups the faults started end, takes one more (a backup after the
/// faults must succeed), closes the primary's WAL segment and waits until the archive holds it (everything the
/// clients wrote is then archived), runs <c>backup check</c>, recovers the run's first backup to the end of the archive
/// on the backup host and reads its rows. <see cref="BackupJudge"/> compares them with the final primary's.
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
        var final = await backup.PgwardAsync(ct, "backup", "create", "--wait");
        var switchWal = await backup.PgwardAsync(ct, "backup", "switch-wal", "--archive", "--archive-timeout", "60");
        var check = await backup.PgwardAsync(ct, "backup", "check", "--nagios");
        var statuses = await backup.StatusesAsync(ct);
        var primaryRows = await new ChaosTable().ReadAllAsync(cluster.ConnectionString(primaryId), ct);
        var (restored, recoveryProblem) = await RestoreAsync(backup, ct);
        log($"backup: {DaemonTroubles(backup)}; final backup exit {final.ExitCode}, switch-wal exit {switchWal.ExitCode}, check: {check.Out.Trim()}; "
            + $"{(restored is { } r ? $"{r.Ids.Count} rows recovered from {backup.FirstBackupId}" : recoveryProblem)}; "
            + $"catalog: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
        var verdict = BackupJudge.Judge(new BackupFacts(primaryRows, restored, recoveryProblem,
            ArchiveProblem: switchWal.ExitCode == 0 ? null : LastLines(switchWal),
            CheckPassed: check.ExitCode == 0, CheckOutput: check.Out,
            FinalBackupProblem: final.ExitCode == 0 ? null : LastLines(final),
            attempts, statuses));
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

    private async Task<(NodeRows? Rows, string? Problem)> RestoreAsync(BackupHost backup, CancellationToken ct)
    {
        var (server, problem) = await RestoredServer.RecoverAsync(backup, backup.FirstBackupId, cluster.Network[NetworkCluster.ClientHost], ct);
        if (server is null)
        {
            return (null, problem);
        }
        await using (server)
        {
            return (await server.ReadRowsAsync(ct), null);
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

    private static string LastLines(CliRun run) =>
        $"exit {run.ExitCode}: " + string.Join(" | ", (run.Error + run.Out).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
