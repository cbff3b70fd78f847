namespace Pgward.Backup.Wal.Summary;

/// <summary>One of a relation's files (PostgreSQL's <c>ForkNumber</c>): <c>16384</c>, <c>16384_fsm</c>,
/// <c>16384_vm</c>, <c>16384_init</c>.</summary>
public enum ForkNumber : byte
{
    Main = 0,

    /// <summary>The free space map. Not fully WAL-logged (replay updates it without a block reference): PostgreSQL 17
    /// backs this fork up in full whatever the summary says, and so should pgward.</summary>
    Fsm = 1,

    VisibilityMap = 2,

    /// <summary>An unlogged relation's initial contents.</summary>
    Init = 3,
}
