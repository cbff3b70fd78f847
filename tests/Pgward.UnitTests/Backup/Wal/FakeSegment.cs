using System.Buffers.Binary;
using Pgward.Backup.Wal;

namespace Pgward.UnitTests.Backup.Wal;

/// <summary>A WAL segment's bytes as far as the archive looks at them: a long page header naming the segment, then filler.</summary>
internal static class FakeSegment
{
    public const long Size = WalSegment.DefaultSize;

    public static byte[] Create(WalSegment segment, byte fill = 0x5A)
    {
        var content = new byte[Size];
        content.AsSpan(40).Fill(fill);
        BinaryPrimitives.WriteUInt16LittleEndian(content, 0xD110);
        BinaryPrimitives.WriteUInt16LittleEndian(content.AsSpan(2), 0x0002);
        BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan(4), segment.Timeline);
        BinaryPrimitives.WriteUInt64LittleEndian(content.AsSpan(8), segment.Start(Size).Value);
        BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan(32), (uint)Size);
        return content;
    }

    public static WalSegment Parse(string name) =>
        WalSegment.TryParse(name, Size, out var segment) ? segment : throw new ArgumentException(name);
}
