namespace Pgward.Testing.Chaos;

/// <summary>What <see cref="BackupJudge"/> found in the backups of one run.</summary>
/// <param name="RestoredRows">Rows the recovered server holds; null when recovery failed.</param>
/// <param name="Missing">Ids on the final primary that the recovered server lacks (at most 20 shown).</param>
/// <param name="Extra">Ids on the recovered server that the final primary does not hold (at most 20 shown).</param>
/// <param name="Problems">Every failure, one line each; empty when the backups are right.</param>
public sealed record BackupVerdict(
    int? RestoredRows,
    int MissingCount,
    int ExtraCount,
    IReadOnlyList<long> Missing,
    IReadOnlyList<long> Extra,
    IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;

    /// <summary>For the verdict line: <c>backup ok (1234 rows restored)</c> or <c>backup FAILED</c>.</summary>
    public string Summary => Passed ? $"backup ok ({RestoredRows} rows restored)" : "backup FAILED";
}
