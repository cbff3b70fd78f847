namespace Pgward.Backup.Checks;

/// <summary>What <see cref="WalArchiveVerifier"/> found.</summary>
/// <param name="Read">Archived files read and checked this time.</param>
/// <param name="Remembered">Files not read again: sound when last read, and unchanged since (size and modification time).</param>
/// <param name="Damaged">Each damaged file's WAL file name (e.g. <c>000000010000000000000007</c>) and what is wrong with it, in replay order.</param>
public sealed record WalVerification(int Read, int Remembered, IReadOnlyList<(string WalFile, string Problem)> Damaged)
{
    public static readonly WalVerification None = new(0, 0, []);

    public bool Succeeded => Damaged.Count == 0;
}
