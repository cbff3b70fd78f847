using Pgward.Backup.Recovery;
using Pgward.Core.IO;

namespace Pgward.Agent.Failover;

/// <summary>
/// Keeps a primary's data directory ready to start fenced: a <c>standby.signal</c> holding a marker. PostgreSQL
/// reads the file only when it starts, so a running primary is not affected; but whatever restarts it (a crash and
/// systemd, an operator's pg_ctl, the host's reboot) brings it up in recovery, read-only, and no client can make it
/// writable. Its agent then promotes it again only if a majority still acknowledges it as the primary; an old
/// primary stays read-only and rejoins. The marker tells such a server from an ordinary standby, whose
/// <c>standby.signal</c> pgward writes empty.
/// </summary>
public sealed class PrimaryGuard(string dataDirectory)
{
    public const string Marker = "pgward: primary guard";

    private string SignalFile => Path.Combine(dataDirectory, "standby.signal");

    public string DataDirectory => dataDirectory;

    /// <summary>Whether the data directory would start fenced (or did: a server in recovery because of the guard).</summary>
    public bool IsSet => Contents() is { } text && text.StartsWith(Marker, StringComparison.Ordinal);

    /// <summary>Whether the data directory holds a plain <c>standby.signal</c>, pgward's mark of a standby (a clone, a
    /// rejoin, a follow), not the guard.</summary>
    public bool MarksStandby => Contents() is { } text && !text.StartsWith(Marker, StringComparison.Ordinal);

    /// <summary>Whether its agent stopped this primary to hand the role over (<c>daemon stop</c>): the agent starts it
    /// again, read-only, when it runs again, and it rejoins as a standby.</summary>
    public bool HandedOver => Contents() is { } text && text.StartsWith(Marker + "\n" + HandedOverNote, StringComparison.Ordinal);

    /// <summary>Whether the data directory holds a <c>standby.signal</c> at all (one lookup, no read): a standby's server
    /// removes it when it is promoted.</summary>
    public bool SignalPresent => File.Exists(SignalFile);

    /// <summary>Whether the data directory holds <c>recovery.signal</c> and no <c>standby.signal</c>: a server started so
    /// recovers a backup to its target (<c>backup recover --node</c>) and is no standby
    /// (<see cref="Pgward.Failover.LocalStatus.Restoring"/>).</summary>
    public bool Restoring => File.Exists(Path.Combine(dataDirectory, RecoveryFiles.RecoverySignal)) && !SignalPresent;

    /// <summary>The <c>standby.signal</c>'s text; null when there is none (or it cannot be read).</summary>
    private string? Contents()
    {
        try
        {
            return File.Exists(SignalFile) ? File.ReadAllText(SignalFile) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private const string HandedOverNote = "handed over by its agent";

    public void Set() => Write(Marker + "\n");

    /// <summary>Sets the guard with the note that the agent handed the primary role over.</summary>
    public void SetHandedOver() => Write(Marker + "\n" + HandedOverNote + "\n");

    // Owned like the data directory: a root-owned file there is one pg_basebackup and pg_rewind, run as the server's
    // user, cannot read.
    // Stamped after the rename: the file's own mtime is that of the temporary file's write, before it appeared under
    // its name, and a postmaster started in between (as a primary) would look to the dead-man switch as if it had
    // started behind the guard (StandbyStart). The system's clock: the one the kernel stamps files with.
    private void Write(string contents)
    {
        DurableFile.WriteAllText(SignalFile, contents, DurableFile.OwnerOnly, ownerLike: dataDirectory);
        File.SetLastWriteTimeUtc(SignalFile, TimeProvider.System.GetUtcNow().UtcDateTime);
    }

    /// <summary>Removes the guard (when the agent stops cleanly): a primary without its agent restarts as a primary.</summary>
    public void Clear()
    {
        if (IsSet)
        {
            File.Delete(SignalFile);
        }
    }
}
