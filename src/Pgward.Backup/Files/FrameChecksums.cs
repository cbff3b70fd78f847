namespace Pgward.Backup.Files;

/// <summary>The checksums an end frame (<see cref="FrameTag"/>) may carry, told apart by their length in hex. Pure.</summary>
public static class FrameChecksums
{
    /// <summary>What files backups write since December 2026: PostgreSQL's own manifest default, about ten times cheaper
    /// to compute than SHA-256 here.</summary>
    public const string Crc32C = "CRC32C";

    /// <summary>What older agents send, and what older files backups' manifests hold.</summary>
    public const string Sha256 = "SHA256";

    /// <summary>The algorithm of a checksum the agent sent: 8 hex digits are a CRC-32C, 64 a SHA-256; anything else is
    /// a garbled answer (<see cref="InvalidDataException"/>).</summary>
    public static string AlgorithmOf(string hex) => hex.Length switch
    {
        8 => Crc32C,
        64 => Sha256,
        _ => throw new InvalidDataException($"a checksum of {hex.Length} hex digits: the answer is garbled"),
    };
}
