using Pgward.Core.Postgres;

namespace Pgward.Backup.Wal.Summary;

/// <summary>The WAL machinery's own records (<c>RM_XLOG_ID</c>, <c>catalog/pg_control.h</c>): their block
/// references (full-page images) count like any other's; one kind can make a range impossible to summarise.</summary>
internal static class XlogRecords
{
    /// <summary><c>XLOG_PARAMETER_CHANGE</c>: <c>xl_parameter_change</c>, whose <c>int wal_level</c> is the sixth
    /// field.</summary>
    private const byte ParameterChange = 0x60;

    private const int WalLevelOffset = 20;

    /// <summary><c>WAL_LEVEL_MINIMAL</c>.</summary>
    private const uint Minimal = 0;

    /// <summary>A problem when the server restarted with <c>wal_level = minimal</c>: from there a relation created or
    /// truncated in a transaction is written without WAL, so no summary can tell which of its blocks changed
    /// (PostgreSQL 17's summarizer stops at such a record too). Null otherwise.</summary>
    public static string? Check(DecodedWalRecord record)
    {
        if (record.RecordInfo != ParameterChange)
        {
            return record.UnknownSpecialUpdate();
        }
        var data = new WalDataReader(record.MainData.Span);
        if (!data.TrySkip(WalLevelOffset) || !data.TryUInt32(out var walLevel))
        {
            return record.Malformed("it is too short for xl_parameter_change");
        }
        return walLevel == Minimal
            ? $"the record at {new Lsn(record.Lsn)} says the server ran with wal_level = minimal from there: relations can change without WAL, so the range cannot be summarised"
            : null;
    }
}
