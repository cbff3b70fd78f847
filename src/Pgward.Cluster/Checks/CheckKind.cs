namespace Pgward.Cluster.Checks;

/// <summary>The items of <c>node check</c>, in the order the full check prints them; <see cref="Agent"/> only when asked
/// for, as repmgr's <c>--repmgrd</c>.</summary>
public enum CheckKind
{
    Role,
    ReplicationLag,
    ArchiveReady,
    Upstream,
    Downstream,
    Slots,
    MissingSlots,
    DataDirectoryConfig,
    Agent,
}
