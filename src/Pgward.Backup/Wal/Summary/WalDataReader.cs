using System.Buffers.Binary;

namespace Pgward.Backup.Wal.Summary;

/// <summary>Reads the little-endian fields of a WAL record front to back; every read fails rather than run past the
/// end, so a record shorter than its type promises is reported, never read out of bounds.</summary>
internal ref struct WalDataReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    public readonly int Remaining => _rest.Length;

    public bool TryByte(out byte value)
    {
        value = 0;
        if (_rest.Length < 1)
        {
            return false;
        }
        value = _rest[0];
        _rest = _rest[1..];
        return true;
    }

    public bool TryUInt16(out ushort value)
    {
        value = 0;
        if (_rest.Length < 2)
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        _rest = _rest[2..];
        return true;
    }

    public bool TryUInt32(out uint value)
    {
        value = 0;
        if (_rest.Length < 4)
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        _rest = _rest[4..];
        return true;
    }

    /// <summary>A C <c>int</c> count, refused when negative (no count in a record is).</summary>
    public bool TryCount(out int value)
    {
        var read = TryUInt32(out var raw);
        value = (int)raw;
        return read && value >= 0;
    }

    public bool TryRelFileId(out RelFileId file)
    {
        file = default;
        if (!TryUInt32(out var tablespace) || !TryUInt32(out var database) || !TryUInt32(out var relFile))
        {
            return false;
        }
        file = new RelFileId(tablespace, database, relFile);
        return true;
    }

    public bool TrySkip(long count)
    {
        if (count < 0 || count > _rest.Length)
        {
            return false;
        }
        _rest = _rest[(int)count..];
        return true;
    }
}
