using System.Buffers.Binary;

namespace Pgward.Cluster.Backups;

/// <summary>
/// From a backup's copy of <c>global/pg_control</c> (PostgreSQL 15's <c>ControlFileData</c>, little-endian): a
/// transaction ID every transaction before which had ended when the backup read it. Its latest checkpoint's
/// <c>oldestActiveXID</c> (the oldest transaction then running; a shutdown checkpoint has none, and then its next XID).
/// Every commit of a transaction before it was written before that checkpoint, so before the backup's end: a recovery
/// from the backup sees it, whatever its target. <see cref="PageMask"/> lets a standby's page keep commit hints of such
/// transactions only. Pure.
/// </summary>
public static class ControlFileXids
{
    /// <summary>What PostgreSQL writes of <c>global/pg_control</c> (<c>PG_CONTROL_FILE_SIZE</c>).</summary>
    public const int FileSize = 8192;

    private const uint Pg15ControlVersion = 1300;
    private const int ControlVersionAt = 8;
    private const int NextXidAt = 40 + 24;          // checkPointCopy.nextXid (FullTransactionId)
    private const int OldestActiveXidAt = 40 + 80;  // checkPointCopy.oldestActiveXid
    private const uint FirstNormalXid = 3;

    /// <summary>The horizon, or null when the file is not PostgreSQL 15's control file (another layout).</summary>
    public static uint? EndedBefore(ReadOnlySpan<byte> control)
    {
        if (control.Length < OldestActiveXidAt + 4 || BinaryPrimitives.ReadUInt32LittleEndian(control[ControlVersionAt..]) != Pg15ControlVersion)
        {
            return null;
        }
        var oldestActive = BinaryPrimitives.ReadUInt32LittleEndian(control[OldestActiveXidAt..]);
        var next = (uint)BinaryPrimitives.ReadUInt64LittleEndian(control[NextXidAt..]);
        var horizon = oldestActive >= FirstNormalXid ? oldestActive : next;
        return horizon >= FirstNormalXid ? horizon : null;
    }

    /// <summary>Whether normal transaction ID <paramref name="xid"/> comes before <paramref name="horizon"/>, modulo
    /// 2^32 as PostgreSQL compares them (<c>TransactionIdPrecedes</c>); the special IDs (bootstrap, frozen) precede all.</summary>
    public static bool Precedes(uint xid, uint horizon) =>
        xid < FirstNormalXid ? xid != 0 : (int)(xid - horizon) < 0;
}
