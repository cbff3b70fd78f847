namespace Pgward.Backup.Wal.Summary;

/// <summary>The storage manager's records (<c>RM_SMGR_ID</c>, <c>catalog/storage_xlog.h</c>): a fork created, a
/// relation truncated. Neither names a block, and after either no older copy of the blocks concerned is any good.</summary>
internal static class StorageRecords
{
    /// <summary><c>XLOG_SMGR_CREATE</c>: <c>{RelFileNode rnode; ForkNumber forkNum;}</c>.</summary>
    private const byte Create = 0x10;

    /// <summary><c>XLOG_SMGR_TRUNCATE</c>: <c>{BlockNumber blkno; RelFileNode rnode; int flags;}</c>.</summary>
    private const byte Truncate = 0x20;

    private const uint TruncateHeap = 0x0001;
    private const uint TruncateVisibilityMap = 0x0002;
    private const uint TruncateFreeSpaceMap = 0x0004;

    public static string? Apply(DecodedWalRecord record, WalBlockSummary summary) => record.RecordInfo switch
    {
        Create => ApplyCreate(record, summary),
        Truncate => ApplyTruncate(record, summary),
        _ => record.UnknownSpecialUpdate(),
    };

    private static string? ApplyCreate(DecodedWalRecord record, WalBlockSummary summary)
    {
        var data = new WalDataReader(record.MainData.Span);
        if (!data.TryRelFileId(out var file) || !data.TryUInt32(out var fork))
        {
            return record.Malformed("it is too short for xl_smgr_create");
        }
        if (fork > (uint)ForkNumber.Init)
        {
            return record.Malformed($"it creates fork {fork}");
        }
        summary.SetLimit(file, (ForkNumber)fork, 0);
        return null;
    }

    private static string? ApplyTruncate(DecodedWalRecord record, WalBlockSummary summary)
    {
        var data = new WalDataReader(record.MainData.Span);
        if (!data.TryUInt32(out var block) || !data.TryRelFileId(out var file) || !data.TryUInt32(out var flags))
        {
            return record.Malformed("it is too short for xl_smgr_truncate");
        }
        if ((flags & TruncateHeap) != 0)
        {
            summary.SetLimit(file, ForkNumber.Main, block);
        }
        // The block number is the heap's; the maps are cut where their own pages for it end, and their last remaining
        // page is rewritten. Their blocks are counted differently, so the whole of each map is taken again.
        if ((flags & TruncateVisibilityMap) != 0)
        {
            summary.SetLimit(file, ForkNumber.VisibilityMap, 0);
        }
        if ((flags & TruncateFreeSpaceMap) != 0)
        {
            summary.SetLimit(file, ForkNumber.Fsm, 0);
        }
        return null;
    }
}
