using System.Runtime.InteropServices;
using K4os.Compression.LZ4;

namespace Pgward.Core.Compression;

/// <summary>
/// lz4's block format (one block, no frame): through the system's liblz4 (Debian's <c>liblz4-1</c>, the reference
/// implementation) when it loads, else through K4os' managed port, which writes and reads the same format. Both
/// encoders produce blocks either decoder reads, so a backup written by one restores through the other.
/// </summary>
/// <remarks>Why liblz4 first: in pgward's native executable (NativeAOT), K4os compresses pgbench's md5 filler at about
/// 740 MB/s a core, where liblz4 does 1,470 MB/s at the same ratio (3.152), and decodes it at 5.8 against 6.7 GB/s
/// (BENCHMARKS.md, "lz4 through liblz4"). lz4 is half of the agent's CPU in a files backup.</remarks>
public static class Lz4Block
{
    private const string Library = "liblz4.so.1";

    private static readonly bool Native = LoadsNative();

    /// <summary>Which implementation compresses: <c>liblz4</c> or <c>K4os</c> (when liblz4.so.1 is not installed).</summary>
    public static string Engine => Native ? "liblz4" : "K4os";

    /// <summary>Compresses <paramref name="source"/> into <paramref name="target"/>; returns the bytes written, or 0 when
    /// they would not fit in <paramref name="target"/> (the caller then stores the block as it is) or the source is
    /// empty.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> target)
    {
        if (source.IsEmpty || target.IsEmpty)
        {
            return 0;
        }
        var written = Native ? CompressDefault(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(target), source.Length, target.Length) : EncodeManaged(source, target);
        return Math.Max(written, 0);
    }

    /// <summary>Decodes one block into <paramref name="target"/>; returns the bytes decoded, or a negative number when the
    /// block is damaged or decodes to more than <paramref name="target"/> holds. Never reads or writes outside the two
    /// spans, whatever the input.</summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> target)
    {
        if (source.IsEmpty)
        {
            return -1;
        }
        return Native ? DecompressSafe(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(target), source.Length, target.Length) : DecodeManaged(source, target);
    }

    /// <summary>K4os' encoder, whatever <see cref="Engine"/> is: for tests that check the two agree.</summary>
    internal static int EncodeManaged(ReadOnlySpan<byte> source, Span<byte> target) =>
        Math.Max(LZ4Codec.Encode(source, target, LZ4Level.L00_FAST), 0);

    /// <summary>K4os' decoder, whatever <see cref="Engine"/> is: for tests that check the two agree.</summary>
    internal static int DecodeManaged(ReadOnlySpan<byte> source, Span<byte> target) => LZ4Codec.Decode(source, target);

    private static bool LoadsNative()
    {
        if (!NativeLibrary.TryLoad(Library, typeof(Lz4Block).Assembly, null, out var handle))
        {
            return false;
        }
        return NativeLibrary.TryGetExport(handle, "LZ4_compress_default", out _)
            && NativeLibrary.TryGetExport(handle, "LZ4_decompress_safe", out _);
    }

    // The spans are pinned for the call by passing their first bytes by reference (blittable: nothing is copied).
    [DllImport(Library, EntryPoint = "LZ4_compress_default")]
    private static extern int CompressDefault(ref byte source, ref byte target, int sourceSize, int targetCapacity);

    [DllImport(Library, EntryPoint = "LZ4_decompress_safe")]
    private static extern int DecompressSafe(ref byte source, ref byte target, int sourceSize, int targetCapacity);
}
