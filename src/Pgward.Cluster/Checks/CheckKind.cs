namespace Pgward.Cluster.Checks;

/// <summary>The items of <c>node check</c>, in the order the full check prints them.</summary>
public enum CheckKind
{
    Role,
    ReplicationLag,
    ArchiveReady,
    Upstream,
    Downstream,
    Slots,
    DataDirectoryConfig,
}
