namespace Pgward.Backup.Wal.Summary;

/// <summary>PostgreSQL 15's built-in resource managers (<c>rmgrlist.h</c>), the ids a record's <c>xl_rmid</c> holds;
/// 128 to 255 are extensions' custom resource managers.</summary>
internal enum ResourceManager : byte
{
    Xlog = 0,
    Transaction = 1,
    Storage = 2,
    Clog = 3,
    Database = 4,
    Tablespace = 5,
    MultiXact = 6,
    RelMap = 7,
    Standby = 8,
    Heap2 = 9,
    Heap = 10,
    Btree = 11,
    Hash = 12,
    Gin = 13,
    Gist = 14,
    Sequence = 15,
    SpGist = 16,
    Brin = 17,
    CommitTs = 18,
    ReplicationOrigin = 19,
    Generic = 20,
    LogicalMessage = 21,
}
