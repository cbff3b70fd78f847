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

    /// <summary>The finished CRC of bytes A then B, from the finished CRCs of A and of B (B
    /// <paramref name="lengthB"/> bytes long), as zlib's <c>crc32_combine</c>: what lets pieces of one file be checksummed
    /// on several threads at once and joined in order. Costs a few hundred shifts, independent of the lengths' size.</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB) => MultiplyModP(PowerOfX(lengthB), crcA) ^ crcB;

    /// <summary>The CRC of <paramref name="data"/> alone, finished.</summary>
    public static uint Of(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32C();
        crc.Append(data);
        return crc.Value;
    }

    /// <summary>Continues from a finished CRC: the state after bytes whose CRC is <paramref name="value"/>.</summary>
    public static Crc32C FromValue(uint value) => new() { _crc = value ^ 0xFFFFFFFF };

    // The reflected Castagnoli polynomial.
    private const uint Poly = 0x82F63B78;

    // x^(2^n) modulo the polynomial, for n = 0..31 (reflected: x^0 is the top bit).
    private static readonly uint[] PowersOfX2N = BuildPowers();

    private static uint[] BuildPowers()
    {
        var table = new uint[32];
        var p = 1u << 30; // x^1
        for (var n = 0; n < 32; n++)
        {
            table[n] = p;
            p = MultiplyModP(p, p);
        }
        return table;
    }

    /// <summary>a times b modulo the polynomial (reflected).</summary>
    private static uint MultiplyModP(uint a, uint b)
    {
        var m = 1u << 31;
        var p = 0u;
        while (true)
        {
            if ((a & m) != 0)
            {
                p ^= b;
                if ((a & (m - 1)) == 0)
                {
                    break;
                }
            }
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Poly : b >> 1;
        }
        return p;
    }

    /// <summary>x^(8 * bytes) modulo the polynomial: appending that many zero bits.</summary>
    private static uint PowerOfX(long bytes)
    {
        var p = 1u << 31; // x^0
        var k = 3; // 2^3 bits a byte
        for (var n = bytes; n != 0; n >>= 1, k++)
        {
            if ((n & 1) != 0)
            {
                p = MultiplyModP(PowersOfX2N[k & 31], p);
            }
        }
        return p;
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
