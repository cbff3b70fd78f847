namespace Pgward.Backup.Files;

/// <summary>What an incremental backup does with one file of the data directory.</summary>
public enum ReuseAction
{
    /// <summary>Hard-link the parent's stored copy without reading the file: it provably did not change.</summary>
    Link,
    /// <summary>Have the agent checksum it first and send it only when it differs from the parent's copy (same size and
    /// mtime, but modified too close to the parent's listing to be sure): likely unchanged, so usually one read, no bytes
    /// sent. Only over a parent's SHA-256.</summary>
    Compare,
    /// <summary>Have the agent hash it with SHA-256 and answer "unchanged" when that is the hash of the parent's copy,
    /// which the backup server computes from its stored copy now: the parent was taken on another node (its
    /// modification times prove nothing here) and the file is too small for a block map, so without this it would be sent
    /// and stored again whatever it holds (the manifest's CRC-32C is no proof of equal content).</summary>
    CompareByContent,
    /// <summary>Read and send it: it is new, or its size or mtime changed. Still linked to the parent's copy when it
    /// turns out the same (<see cref="Base.StoredFileReceiver"/>).</summary>
    Send,
}
