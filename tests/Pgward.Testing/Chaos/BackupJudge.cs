namespace Pgward.Testing.Chaos;

/// <summary>
/// Judges a run's backups: the server recovered from the first backup to the end of the archive must hold exactly the
/// final primary's rows (an acknowledged write missing means a gap in the archive, an extra row WAL of a dead
/// timeline replayed), <c>backup check</c> must pass, the backup taken after the faults must be DONE and, recovered the
/// same way, hold those rows too (with files backups, an incremental over whatever the faults left), and every base
/// backup a fault started must have ended DONE or FAILED, never left half-way. Pure: no server, no clock.
/// </summary>
public static class BackupJudge
{
    private const int Shown = 20;

    public static BackupVerdict Judge(BackupFacts facts)
    {
        var problems = new List<string>();
        IReadOnlyList<long> missing = [];
        IReadOnlyList<long> extra = [];
        if (facts.Restored is not { } restored)
        {
            problems.Add($"recovery from the first backup failed: {facts.RecoveryProblem ?? "no reason given"}");
        }
        else
        {
            (missing, extra) = Compare("the recovered backup", restored, facts.Primary, problems);
        }
        if (facts.FinalRecoveryProblem is { } finalRecovery)
        {
            problems.Add($"recovery from the backup taken after the faults failed: {finalRecovery}");
        }
        else if (facts.FinalRestored is { } finalRestored)
        {
            Compare("the backup taken after the faults, recovered,", finalRestored, facts.Primary, problems);
        }
        if (facts.PrimaryBallast is { } ballast)
        {
            foreach (var (which, restoredBallast, recovered) in new[]
            {
                ("the first backup", facts.RestoredBallast, facts.Restored is not null),
                ("the backup taken after the faults", facts.FinalBallast, facts.FinalRestored is not null),
            })
            {
                if (recovered && restoredBallast != ballast)
                {
                    problems.Add($"the ballast table recovered from {which} is \"{restoredBallast}\", on primary {facts.Primary.Node} \"{ballast}\"");
                }
            }
        }
        if (facts.ArchiveProblem is { } archive)
        {
            problems.Add($"the archive did not catch up with the primary: {archive}");
        }
        if (!facts.CheckPassed)
        {
            problems.Add($"backup check failed: {facts.CheckOutput.Trim()}");
        }
        if (facts.FinalBackupProblem is { } final)
        {
            problems.Add($"the backup taken after the faults did not succeed: {final}");
        }
        problems.AddRange(facts.Attempts.Select(a => AttemptProblem(a, facts.Statuses)).OfType<string>());
        return new BackupVerdict(facts.Restored?.Ids.Count, missing.Count, extra.Count, [.. missing.Take(Shown)], [.. extra.Take(Shown)], problems);
    }

    /// <summary>Adds to <paramref name="problems"/> how the rows of a recovered backup differ from the primary's: rows
    /// missing, rows the primary does not have, rows twice; returns the first two.</summary>
    private static (IReadOnlyList<long> Missing, IReadOnlyList<long> Extra) Compare(string which, NodeRows restored, NodeRows primary, List<string> problems)
    {
        var onRestored = restored.Ids.ToHashSet();
        var onPrimary = primary.Ids.ToHashSet();
        IReadOnlyList<long> missing = [.. onPrimary.Where(id => !onRestored.Contains(id)).Order()];
        IReadOnlyList<long> extra = [.. onRestored.Where(id => !onPrimary.Contains(id)).Order()];
        if (missing.Count > 0 || extra.Count > 0)
        {
            problems.Add($"{which} differs from primary {primary.Node}: {missing.Count} rows missing ({Sample(missing)}), "
                + $"{extra.Count} extra ({Sample(extra)})");
        }
        var duplicated = restored.Ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToList();
        if (duplicated.Count > 0)
        {
            problems.Add($"{duplicated.Count} rows twice in {which.TrimEnd(',')}: {Sample(duplicated)}");
        }
        return (missing, extra);
    }

    /// <summary>A backup that ended must say how in the catalog: DONE when it succeeded, FAILED (data removed) when
    /// not. One still STARTED after its process is gone would sit in the catalog as if running, forever.</summary>
    private static string? AttemptProblem(BaseBackupAttempt attempt, IReadOnlyDictionary<string, string> statuses)
    {
        if (!attempt.Killed && attempt.ExitCode is null)
        {
            return $"the backup started by {attempt.Fault} did not end in time";
        }
        if (attempt.BackupId is not { } id)
        {
            return null;
        }
        var status = statuses.GetValueOrDefault(id, "missing from the catalog");
        return (attempt.ExitCode, status) switch
        {
            (0, "DONE") => null,
            (0, _) => $"backup {id} started by {attempt.Fault} succeeded but is {status}",
            (_, "FAILED" or "DONE") => null,
            _ => $"backup {id} started by {attempt.Fault} {(attempt.Killed ? "was killed" : $"exited {attempt.ExitCode}")} and is left {status}",
        };
    }

    private static string Sample(IReadOnlyList<long> ids) =>
        ids.Count == 0 ? "none" : string.Join(", ", ids.Take(10)) + (ids.Count > 10 ? ", ..." : "");
}
