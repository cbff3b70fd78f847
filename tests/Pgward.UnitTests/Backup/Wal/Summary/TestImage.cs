namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>A full-page image in a <see cref="TestRecord"/>: its stored bytes, <c>hole_offset</c>, <c>bimg_info</c> and,
/// for a compressed image with a hole only, the <c>hole_length</c> PostgreSQL writes after the image header.</summary>
internal sealed record TestImage(byte[] Bytes, ushort HoleOffset, byte Info, ushort? HoleLength = null)
{
    public const byte HasHole = 0x01;
    public const byte Apply = 0x02;
    public const byte Pglz = 0x04;
    public const byte Lz4 = 0x08;
    public const byte Zstd = 0x10;
}
