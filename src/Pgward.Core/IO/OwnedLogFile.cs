namespace Pgward.Core.IO;

/// <summary>A log file that a process pgward starts appends to through a shell redirection (<c>&gt;&gt;log</c>).</summary>
public static class OwnedLogFile
{
    /// <summary>Creates <paramref name="path"/> when missing, readable by its owner only (the shell would create it
    /// 0644), and gives it to the owner of <paramref name="ownerLike"/> when pgward runs as root.</summary>
    public static void Prepare(string path, string? ownerLike)
    {
        using (new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite,
            UnixCreateMode = DurableFile.OwnerOnly,
        }))
        {
        }
        FileOwner.Match(path, ownerLike);
    }
}
