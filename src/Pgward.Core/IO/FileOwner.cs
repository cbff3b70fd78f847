namespace Pgward.Core.IO;

/// <summary>
/// Gives the files pgward writes for a server to the server's OS user. pgward often runs as root while PostgreSQL runs
/// as <c>postgres</c>: a root-owned <c>standby.signal</c> or <c>postgresql.auto.conf</c> in a data directory cannot be
/// read by pg_basebackup or pg_rewind, and a root-owned PID file, log or state file beside it cannot be replaced by
/// pgward run later as that user. The owner of the data directory is the server's OS user.
/// </summary>
public static class FileOwner
{
    /// <summary>Gives <paramref name="path"/> the owner and group of <paramref name="reference"/> (usually the data
    /// directory). Nothing to do when this process is not privileged (it can give files to no one, and what it creates
    /// is already its user's), when <paramref name="reference"/> is null or does not exist, or when the owner already
    /// matches.</summary>
    public static void Match(string path, string? reference)
    {
        if (!Environment.IsPrivilegedProcess || string.IsNullOrEmpty(reference) || Libc.OwnerOf(reference) is not { } owner)
        {
            return;
        }
        if (Libc.OwnerOf(path) != owner)
        {
            Libc.ChangeOwner(path, owner.Uid, owner.Gid);
        }
    }

    /// <summary>Gives <paramref name="path"/> the group <paramref name="gid"/>, its owner unchanged; throws
    /// <see cref="IOException"/> when it cannot.</summary>
    public static void SetGroup(string path, uint gid) => Libc.ChangeOwner(path, uint.MaxValue, gid);

    /// <summary>The owner (uid, gid) of <paramref name="path"/>; null when it does not exist.</summary>
    public static (uint Uid, uint Gid)? Of(string path) => Libc.OwnerOf(path);
}
