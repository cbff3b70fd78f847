namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// Commit and abort records (<c>RM_XACT_ID</c>, <c>access/xact.h</c>), read as PostgreSQL 15's
/// <c>ParseCommitRecord</c> and <c>ParseAbortRecord</c> read them, as far as the relations they drop: a table dropped
/// at commit, or created by a transaction that rolled back, loses its files with no other record saying so.
/// </summary>
internal static class TransactionRecords
{
    /// <summary><c>XLOG_XACT_OPMASK</c> and the four records that can drop relations. <c>XLOG_XACT_PREPARE</c> lists
    /// relations too, but they are dropped only by the <c>COMMIT_PREPARED</c> or <c>ABORT_PREPARED</c> that follows,
    /// which lists them again.</summary>
    private const byte OperationMask = 0x70;
    private const byte Commit = 0x00;
    private const byte Abort = 0x20;
    private const byte CommitPrepared = 0x30;
    private const byte AbortPrepared = 0x40;

    /// <summary><c>XLOG_XACT_HAS_INFO</c>: an <c>xinfo</c> word follows <c>xact_time</c> and says which parts follow.</summary>
    private const byte HasInfo = 0x80;

    private const uint HasDatabaseInfo = 1 << 0;
    private const uint HasSubtransactions = 1 << 1;
    private const uint HasRelFileNodes = 1 << 2;

    /// <summary><c>xl_xact_commit</c> and <c>xl_xact_abort</c>: a <c>TimestampTz xact_time</c>.</summary>
    private const int TimeSize = 8;

    /// <summary><c>xl_xact_dbinfo</c>: <c>{Oid dbId; Oid tsId;}</c>.</summary>
    private const int DatabaseInfoSize = 8;

    public static string? Apply(DecodedWalRecord record, WalBlockSummary summary)
    {
        var operation = record.Header.Info & OperationMask;
        if (operation is not (Commit or Abort or CommitPrepared or AbortPrepared))
        {
            return null;
        }
        var data = new WalDataReader(record.MainData.Span);
        var xinfo = 0u;
        if (!data.TrySkip(TimeSize) || ((record.Header.Info & HasInfo) != 0 && !data.TryUInt32(out xinfo)))
        {
            return record.Malformed("it is too short for its xact_time and xinfo");
        }
        if (((xinfo & HasDatabaseInfo) != 0 && !data.TrySkip(DatabaseInfoSize))
            || ((xinfo & HasSubtransactions) != 0 && !(data.TryCount(out var subtransactions) && data.TrySkip(subtransactions * 4L))))
        {
            return record.Malformed("it is too short for the parts its xinfo announces");
        }
        return (xinfo & HasRelFileNodes) != 0 ? ApplyDroppedRelations(record, ref data, summary) : null;
    }

    private static string? ApplyDroppedRelations(DecodedWalRecord record, ref WalDataReader data, WalBlockSummary summary)
    {
        if (!data.TryCount(out var count))
        {
            return record.Malformed("it is too short for its count of dropped relations");
        }
        for (var i = 0; i < count; i++)
        {
            if (!data.TryRelFileId(out var file))
            {
                return record.Malformed($"it drops {count} relations but names fewer");
            }
            foreach (var fork in Enum.GetValues<ForkNumber>())
            {
                summary.SetLimit(file, fork, 0);
            }
        }
        return null;
    }
}
