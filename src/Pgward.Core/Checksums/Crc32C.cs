using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pgward.Core.Checksums;

/// <summary>
/// CRC-32C (Castagnoli), the default checksum of PostgreSQL's backup manifest, computed incrementally.
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> uses the SSE4.2/ARMv8 instruction where there is one.
/// </summary>
/// <remarks>
/// The instruction takes three cycles before its result can feed the next, but a new one can start every cycle: one
/// chain of them runs at a third of what the core can do. So a long input is taken <see cref="Lane"/> × 3 bytes at a
/// time, as three chains side by side (the second and third from zero), joined at the end of each round: a CRC register
/// is linear in what it read, so the CRC of A then B is the register after A moved on by B's length (multiplied by
/// x^(8·|B|) mod P, a table lookup) XOR the register of B alone. The files backup checksums every byte it reads with
/// this (it took 7 % of the agent's CPU before, one chain).
/// </remarks>
public struct Crc32C
{
    /// <summary>Bytes of each of the three chains in a round.</summary>
    private const int Lane = 4096;

    /// <summary>For each byte of a register (4 × 256): that byte, moved on by <see cref="Lane"/> zero bytes.</summary>
    private static readonly uint[] ShiftByLane = BuildShift(Lane);

    /// <summary>The bytes of a page: what <see cref="OfPage"/> takes, and the length <see cref="Combine"/> has a table for.</summary>
    public const int PageSize = 8192;

    /// <summary>Bytes of each of the three chains of one page (<see cref="OfPage"/>): 3 × 2,728 = 8,184, then 8 more.</summary>
    private const int PageLane = 2728;

    private static readonly uint[] ShiftByPageLane = BuildShift(PageLane);

    private static readonly uint[] ShiftByPage = BuildShift(PageSize);

    private uint _crc = 0xFFFFFFFF;

    public Crc32C()
    {
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        while (data.Length >= 3 * Lane)
        {
            crc = Round(crc, data, Lane, ShiftByLane);
            data = data[(3 * Lane)..];
        }
        _crc = Serial(crc, data);
    }

    /// <summary>The finished CRC (PostgreSQL's FIN_CRC32C: inverted).</summary>
    public readonly uint Value => _crc ^ 0xFFFFFFFF;

    /// <summary>The checksum as the manifest writes it: the four bytes as they lie in memory (little-endian), in hex.</summary>
    public readonly string ToManifestHex() => ToManifestHex(Value);

    /// <summary>The finished CRC of one <see cref="PageSize"/>-byte block (of any other length, as <see cref="Append"/>
    /// computes it), in three chains side by side like <see cref="Append"/>'s rounds.</summary>
    public static uint OfPage(ReadOnlySpan<byte> block)
    {
        if (block.Length != PageSize)
        {
            var other = new Crc32C();
            other.Append(block);
            return other.Value;
        }
        var crc = Round(0xFFFFFFFF, block, PageLane, ShiftByPageLane);
        return Serial(crc, block[(3 * PageLane)..]) ^ 0xFFFFFFFF;
    }

    /// <summary>The finished CRC of A then B, from the finished CRCs of A and of B (<paramref name="lengthB"/> bytes):
    /// A's moved on by B's length, XOR B's (the initial and final inversions cancel). A file's CRC from its blocks'.</summary>
    public static uint Combine(uint crcA, uint crcB, int lengthB) => lengthB switch
    {
        0 => crcA,
        PageSize => Shift(ShiftByPage, crcA) ^ crcB,
        _ => Shift(BuildShift(lengthB), crcA) ^ crcB,
    };

    /// <summary>The checksum as the manifest writes it (<see cref="ToManifestHex()"/>) of a finished CRC.</summary>
    public static string ToManifestHex(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The register after <paramref name="crc"/> read <paramref name="data"/>, one instruction after another.</summary>
    internal static uint Serial(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return crc;
    }

    /// <summary>The register after <paramref name="crc"/> read the first 3 × <paramref name="lane"/> bytes of
    /// <paramref name="data"/> (<paramref name="lane"/> a multiple of 8), as three chains side by side;
    /// <paramref name="shift"/> moves a register on by <paramref name="lane"/> zero bytes (<see cref="BuildShift"/>).</summary>
    private static uint Round(uint crc, ReadOnlySpan<byte> data, int lane, uint[] shift)
    {
        if (data.Length < 3 * lane)
        {
            throw new ArgumentException($"a round takes {3 * lane} bytes, not {data.Length}", nameof(data));
        }
        ref var start = ref MemoryMarshal.GetReference(data);
        uint a = crc, b = 0, c = 0;
        for (var i = 0; i < lane; i += 8)
        {
            a = BitOperations.Crc32C(a, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
            b = BitOperations.Crc32C(b, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, lane + i)));
            c = BitOperations.Crc32C(c, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, 2 * lane + i)));
        }
        return Shift(shift, Shift(shift, a) ^ b) ^ c;
    }

    /// <summary><paramref name="crc"/> moved on by the zero bytes <paramref name="table"/> was built for (<see cref="BuildShift"/>).</summary>
    private static uint Shift(uint[] table, uint crc) =>
        table[crc & 0xFF] ^ table[256 + ((crc >> 8) & 0xFF)] ^ table[512 + ((crc >> 16) & 0xFF)] ^ table[768 + (crc >> 24)];

    private static uint[] BuildShift(int length)
    {
        // Moving on by zeros is linear: the shift of each of the 32 bits, then of each byte value as the XOR of its bits'.
        var zeros = new byte[length];
        var bits = new uint[32];
        for (var bit = 0; bit < 32; bit++)
        {
            bits[bit] = Serial(1u << bit, zeros);
        }
        var table = new uint[4 * 256];
        for (var position = 0; position < 4; position++)
        {
            for (var value = 0; value < 256; value++)
            {
                var shifted = 0u;
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((value & (1 << bit)) != 0)
                    {
                        shifted ^= bits[8 * position + bit];
                    }
                }
                table[256 * position + value] = shifted;
            }
        }
        return table;
    }
}
