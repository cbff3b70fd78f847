namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// What one record does to a <see cref="WalBlockSummary"/> (PostgreSQL 17's <c>SummarizeWAL</c>): every block it
/// references, then what its main data says for the few kinds that create, truncate or drop relation files or whole
/// databases without naming their blocks.
/// </summary>
internal static class WalRecordEffects
{
    /// <summary><c>HEAPBLOCKS_PER_PAGE</c>: two bits per heap block in the 8,168 bytes after a page header.</summary>
    internal const uint HeapBlocksPerVisibilityMapPage = (WalFormat.BlockSize - 24) * 4;

    /// <summary>Applies <paramref name="record"/> to <paramref name="summary"/>; returns a problem, or null.</summary>
    public static string? Apply(DecodedWalRecord record, WalBlockSummary summary)
    {
        foreach (var block in record.Blocks)
        {
            summary.AddBlock(block.File, block.Fork, block.Block);
            if (block.Fork == ForkNumber.Main && record.ResourceManager is ResourceManager.Heap or ResourceManager.Heap2)
            {
                // Inserting, updating, deleting or locking a tuple clears the visibility map bits of its heap page, but
                // the record only references the heap page (replay clears the bits from the record's flags). Counting
                // the map page too keeps an incremental backup from pairing a changed heap page with a stale map that
                // still says all-visible. PostgreSQL 17's summarizer does not do this.
                summary.AddBlock(block.File, ForkNumber.VisibilityMap, block.Block / HeapBlocksPerVisibilityMapPage);
            }
        }
        return record.ResourceManager switch
        {
            ResourceManager.Storage => StorageRecords.Apply(record, summary),
            ResourceManager.Database => DatabaseRecords.Apply(record, summary),
            ResourceManager.Transaction => TransactionRecords.Apply(record, summary),
            ResourceManager.Xlog => XlogRecords.Check(record),
            _ => record.UnknownSpecialUpdate(),
        };
    }
}
