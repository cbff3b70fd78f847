using System.Buffers.Binary;
using Pgward.Backup.Wal.Summary;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>The body of a WAL record (what follows its 24-byte header) as PostgreSQL 15's <c>XLogRecordAssemble</c>
/// lays it out: block headers, origin, top-level xid, main data header; then each block's image and data; then the
/// main data.</summary>
internal sealed class TestRecord(ResourceManager resourceManager, byte info)
{
    private readonly List<TestBlock> _blocks = [];
    private byte[] _main = [];
    private ushort? _origin;
    private uint? _topLevelXid;

    public ResourceManager ResourceManager => resourceManager;

    public byte Info => info;

    public TestRecord Block(byte id, RelFileId file, ForkNumber fork, uint block, byte[]? data = null, TestImage? image = null, bool sameRelation = false)
    {
        _blocks.Add(new TestBlock(id, file, fork, block, data ?? [], image, sameRelation));
        return this;
    }

    public TestRecord Main(byte[] data)
    {
        _main = data;
        return this;
    }

    public TestRecord Origin(ushort origin)
    {
        _origin = origin;
        return this;
    }

    public TestRecord TopLevelXid(uint xid)
    {
        _topLevelXid = xid;
        return this;
    }

    public byte[] Body()
    {
        var body = new List<byte>();
        foreach (var block in _blocks)
        {
            AppendBlockHeader(body, block);
        }
        if (_origin is { } origin)
        {
            body.Add(253);
            body.AddRange(BitConverter.GetBytes(origin));
        }
        if (_topLevelXid is { } xid)
        {
            body.Add(252);
            body.AddRange(BitConverter.GetBytes(xid));
        }
        if (_main.Length is > 0 and <= 255)
        {
            body.AddRange([255, (byte)_main.Length]);
        }
        else if (_main.Length > 255)
        {
            body.Add(254);
            body.AddRange(BitConverter.GetBytes((uint)_main.Length));
        }
        foreach (var block in _blocks)
        {
            body.AddRange(block.Image?.Bytes ?? []);
            body.AddRange(block.Data);
        }
        body.AddRange(_main);
        return [.. body];
    }

    private static void AppendBlockHeader(List<byte> body, TestBlock block)
    {
        var flags = (byte)((byte)block.Fork | (block.Image is null ? 0 : 0x10) | (block.Data.Length > 0 ? 0x20 : 0) | (block.SameRelation ? 0x80 : 0));
        body.Add(block.Id);
        body.Add(flags);
        body.AddRange(BitConverter.GetBytes((ushort)block.Data.Length));
        if (block.Image is { } image)
        {
            body.AddRange(BitConverter.GetBytes((ushort)image.Bytes.Length));
            body.AddRange(BitConverter.GetBytes(image.HoleOffset));
            body.Add(image.Info);
            if (image.HoleLength is { } holeLength)
            {
                body.AddRange(BitConverter.GetBytes(holeLength));
            }
        }
        if (!block.SameRelation)
        {
            var file = new byte[12];
            BinaryPrimitives.WriteUInt32LittleEndian(file, block.File.Tablespace);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), block.File.Database);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), block.File.RelFile);
            body.AddRange(file);
        }
        body.AddRange(BitConverter.GetBytes(block.Block));
    }
}
