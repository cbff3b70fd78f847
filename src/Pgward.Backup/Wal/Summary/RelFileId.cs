namespace Pgward.Backup.Wal.Summary;

/// <summary>
/// A relation's files, as WAL names them (PostgreSQL 15's <c>RelFileNode</c>): the tablespace (<c>spcNode</c>), the
/// database (<c>dbNode</c>, 0 for a shared relation in <c>global/</c>) and the file number (<c>relNode</c>, which is not
/// the relation's OID once it was rewritten).
/// </summary>
public readonly record struct RelFileId(uint Tablespace, uint Database, uint RelFile)
{
    /// <summary>Bytes of a <c>RelFileNode</c> in a WAL record: three OIDs.</summary>
    internal const int Size = 12;

    public override string ToString() => $"{Tablespace}/{Database}/{RelFile}";
}
