using System.Buffers.Binary;
using Pgward.Backup.Wal.Summary;

namespace Pgward.UnitTests.Backup.Wal.Summary;

/// <summary>The main data of the records a summary reads for more than their blocks, laid out as PostgreSQL 15's
/// structs are.</summary>
internal static class TestMainData
{
    public static byte[] SmgrCreate(RelFileId file, ForkNumber fork) => [.. Bytes(file), .. Int((uint)fork)];

    public static byte[] SmgrTruncate(uint block, RelFileId file, uint flags) => [.. Int(block), .. Bytes(file), .. Int(flags)];

    public static byte[] DatabaseCreateFileCopy(uint database, uint tablespace, uint sourceDatabase, uint sourceTablespace) =>
        [.. Int(database), .. Int(tablespace), .. Int(sourceDatabase), .. Int(sourceTablespace)];

    public static byte[] DatabaseCreateWalLog(uint database, uint tablespace) => [.. Int(database), .. Int(tablespace)];

    public static byte[] DatabaseDrop(uint database, params uint[] tablespaces) =>
        [.. Int(database), .. Int((uint)tablespaces.Length), .. tablespaces.SelectMany(Int)];

    /// <summary>An <c>xl_xact_commit</c> or <c>xl_xact_abort</c> with <c>XLOG_XACT_HAS_INFO</c>: time, xinfo, then the
    /// parts xinfo announces, then <paramref name="trailer"/> (what would follow: invalidations, two-phase xid...).</summary>
    public static byte[] Transaction(uint xinfo, uint[]? subtransactions = null, RelFileId[]? dropped = null, byte[]? trailer = null)
    {
        var data = new List<byte>();
        data.AddRange(BitConverter.GetBytes(812_345_678_901_234L));
        data.AddRange(Int(xinfo));
        if ((xinfo & 1) != 0)
        {
            data.AddRange([.. Int(16384), .. Int(1663)]);
        }
        if ((xinfo & 2) != 0)
        {
            data.AddRange(Int((uint)(subtransactions ?? []).Length));
            data.AddRange((subtransactions ?? []).SelectMany(Int));
        }
        if ((xinfo & 4) != 0)
        {
            data.AddRange(Int((uint)(dropped ?? []).Length));
            data.AddRange((dropped ?? []).SelectMany(Bytes));
        }
        data.AddRange(trailer ?? []);
        return [.. data];
    }

    public static byte[] ParameterChange(uint walLevel) =>
        [.. Int(100), .. Int(8), .. Int(10), .. Int(0), .. Int(64), .. Int(walLevel), 0, 0, 0, 0];

    private static byte[] Bytes(RelFileId file) => [.. Int(file.Tablespace), .. Int(file.Database), .. Int(file.RelFile)];

    private static byte[] Int(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
