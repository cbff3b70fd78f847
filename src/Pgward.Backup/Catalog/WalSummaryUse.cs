namespace Pgward.Backup.Catalog;

/// <summary><c>wal_summaries</c> in <c>[backup]</c>: when an incremental reads the archived WAL since its parent's start
/// for the table pages it names (<see cref="Files.WalBlockPlan"/>).</summary>
public enum WalSummaryUse
{
    /// <summary>When that WAL is at most an eighth of the changed table files it spares reading
    /// (<see cref="Files.WalBlockPlan.WorthReading"/>).</summary>
    Auto,

    /// <summary>Whenever the archive holds it.</summary>
    On,

    /// <summary>Never: every page of a changed table file is read.</summary>
    Off,
}
