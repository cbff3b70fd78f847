using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;

namespace Pgward.UnitTests.Backup;

/// <summary>Backups for unit tests: ids deliberately unrelated to their times where ordering matters.</summary>
internal static class BackupInfos
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static BackupInfo Done(string id, DateTimeOffset end, ulong beginSegment = 2, uint timeline = 1, bool keep = false,
        BackupStatus status = BackupStatus.Done) => new()
    {
        Id = id,
        Status = status,
        Keep = keep,
        SystemIdentifier = "7712148033178158650",
        Timeline = timeline,
        BeginLsn = new Lsn(beginSegment * (ulong)WalSegment.DefaultSize + 0x28),
        EndLsn = new Lsn((beginSegment + 1) * (ulong)WalSegment.DefaultSize),
        BeginTime = end.AddMinutes(-1),
        EndTime = end,
    };
}
