namespace Pgward.Backup.Wal.Summary;

/// <summary>The database records (<c>RM_DBASE_ID</c>, <c>commands/dbcommands_xlog.h</c>): a database directory
/// made or removed as a whole. <c>CREATE DATABASE ... STRATEGY FILE_COPY</c> copies the template's files without a
/// record per relation, so only the directory says they changed.</summary>
internal static class DatabaseRecords
{
    /// <summary><c>XLOG_DBASE_CREATE_FILE_COPY</c>: <c>{Oid db_id; Oid tablespace_id; Oid src_db_id; Oid src_tablespace_id;}</c>.</summary>
    private const byte CreateFileCopy = 0x00;

    /// <summary><c>XLOG_DBASE_CREATE_WAL_LOG</c>: <c>{Oid db_id; Oid tablespace_id;}</c>.</summary>
    private const byte CreateWalLog = 0x10;

    /// <summary><c>XLOG_DBASE_DROP</c>: <c>{Oid db_id; int ntablespaces; Oid tablespace_ids[];}</c>.</summary>
    private const byte Drop = 0x20;

    public static string? Apply(DecodedWalRecord record, WalBlockSummary summary)
    {
        var data = new WalDataReader(record.MainData.Span);
        switch (record.RecordInfo)
        {
            case CreateFileCopy or CreateWalLog:
                if (!data.TryUInt32(out var database) || !data.TryUInt32(out var tablespace))
                {
                    return record.Malformed("it is too short for a database creation");
                }
                summary.AddDatabase(tablespace, database);
                return null;
            case Drop:
                return ApplyDrop(record, ref data, summary);
            default:
                return record.UnknownSpecialUpdate();
        }
    }

    private static string? ApplyDrop(DecodedWalRecord record, ref WalDataReader data, WalBlockSummary summary)
    {
        if (!data.TryUInt32(out var database) || !data.TryCount(out var count))
        {
            return record.Malformed("it is too short for xl_dbase_drop_rec");
        }
        for (var i = 0; i < count; i++)
        {
            if (!data.TryUInt32(out var tablespace))
            {
                return record.Malformed($"it names {count} tablespaces but holds fewer");
            }
            summary.AddDatabase(tablespace, database);
        }
        return null;
    }
}
