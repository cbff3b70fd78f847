namespace Pgward.Backup.Files;

/// <summary>What an incremental backup does with one file of the data directory.</summary>
public enum ReuseAction
{
    /// <summary>Hard-link the parent's stored copy without reading the file: it provably did not change.</summary>
    Link,
    /// <summary>Have the agent read and checksum it: hard-link the parent's copy when size and SHA-256 match, else store it.</summary>
    Compare,
    /// <summary>Read and store it: it is new or its size changed.</summary>
    Send,
}
