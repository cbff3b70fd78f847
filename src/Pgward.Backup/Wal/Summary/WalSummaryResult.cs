namespace Pgward.Backup.Wal.Summary;

/// <summary>What <see cref="WalSummarizer.Summarize(IEnumerable{ReadOnlyMemory{byte}}, ulong, int, ulong, ulong)"/> found: a <see cref="WalBlockSummary"/> of every record that
/// begins in the range, or, when some of them could not be read, a <see cref="Problem"/> naming the LSN and what is
/// wrong (and no summary: a summary with a record missing would make an incremental backup silently wrong).</summary>
public sealed record WalSummaryResult(WalBlockSummary? Summary, string? Problem)
{
    internal static WalSummaryResult Failed(string problem) => new(null, problem);
}
