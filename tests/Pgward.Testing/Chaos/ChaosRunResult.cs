namespace Pgward.Testing.Chaos;

/// <summary>One run of a scenario: its verdict and what the scenario measured.</summary>
/// <param name="ReplicationMode"><c>sync</c> or <c>async</c>: in async mode lost writes are measured, not failures.</param>
/// <param name="FaultsInjected">Faults the nemesis actually injected (a schedule may be cut short).</param>
/// <param name="FailoverTimes">For each failover: from the fault to the first write acknowledged by the new primary.</param>
/// <param name="RecoveryTimes">For each fault: from its end to a healthy cluster (every node back and streaming).</param>
public sealed record ChaosRunResult(string Scenario, string ReplicationMode, int Seed, int FaultsInjected, ChaosVerdict Verdict,
    IReadOnlyList<TimeSpan> FailoverTimes, IReadOnlyList<TimeSpan> RecoveryTimes)
{
    public bool LossAllowed => ReplicationMode != "sync";

    /// <summary>What went wrong outside the history, e.g. a cluster that never became healthy again after a fault.</summary>
    public IReadOnlyList<string> ClusterProblems { get; init; } = [];

    /// <summary>What the backups held at the end, for a run with a backup server; null for the others.</summary>
    public BackupVerdict? Backup { get; init; }

    public IReadOnlyList<string> Problems => [.. Verdict.Problems(LossAllowed), .. ClusterProblems, .. Backup?.Problems ?? []];

    public bool Passed => Problems.Count == 0;

    /// <summary>One line naming the scenario and seed, so that a failed CI run says how to reproduce it.</summary>
    public string VerdictLine()
    {
        var head = $"{(Passed ? "PASS" : "FAIL")} scenario={Scenario} mode={ReplicationMode} seed={Seed}: {Verdict.Acknowledged} acknowledged, "
            + $"{Verdict.Lost.Count} lost, {Verdict.Duplicated.Count} duplicated, {Verdict.TwoPrimaryIntervals.Count} two-primary intervals"
            + (Verdict.LostAfterCancelledSyncWait.Count > 0
                ? $"; {Verdict.LostAfterCancelledSyncWait.Count} lost after a cancelled synchronous wait (PostgreSQL warned the client): {string.Join(", ", Verdict.LostAfterCancelledSyncWait.Take(10))}"
                : "")
            + (Verdict.AcknowledgedBySetting.Keys.Any(s => s != "on")
                ? $"; acknowledged by synchronous_commit: {string.Join(", ", Verdict.AcknowledgedBySetting.Select(p => $"{p.Key} {p.Value}"))}, "
                    + $"{Verdict.LostLocalCommits.Count} of local/off lost (allowed)"
                : "")
            + (Backup is { } backup ? ", " + backup.Summary : "");
        return Passed ? head : head + " -- " + string.Join("; ", Problems);
    }
}
