using System.Buffers.Binary;
using System.Numerics;

namespace Pgward.Core.Checksums;

/// <summary>
/// CRC-32C (Castagnoli), the default checksum of PostgreSQL's backup manifest, computed incrementally.
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> uses the SSE4.2/ARMv8 instruction where there is one.
/// </summary>
public struct Crc32C
{
    private uint _crc = 0xFFFFFFFF;

    public Crc32C()
    {
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        _crc = crc;
    }

    /// <summary>The finished CRC (PostgreSQL's FIN_CRC32C: inverted).</summary>
    public readonly uint Value => _crc ^ 0xFFFFFFFF;

    /// <summary>The checksum as the manifest writes it: the four bytes as they lie in memory (little-endian), in hex.</summary>
    public readonly string ToManifestHex()
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Value);
        return Convert.ToHexStringLower(bytes);
    }
}
