namespace Pgward.Backup.Checks;

/// <summary>What <c>backup verify</c> found: every problem names the file or WAL segment it is about.</summary>
public sealed record VerifyReport(int FilesChecked, long BytesChecked, int SegmentsChecked, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}
