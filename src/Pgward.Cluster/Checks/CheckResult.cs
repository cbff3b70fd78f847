using Pgward.Core;

namespace Pgward.Cluster.Checks;

/// <param name="Perfdata">Nagios performance data without the leading <c>|</c>, or null.</param>
public sealed record CheckResult(CheckKind Kind, CheckStatus Status, string Details, string? Perfdata = null)
{
    /// <summary>The label in the full check's list.</summary>
    public string Label => Kind switch
    {
        CheckKind.Role => "Server role",
        CheckKind.ReplicationLag => "Replication lag",
        CheckKind.ArchiveReady => "WAL archiving",
        CheckKind.Upstream => "Upstream connection",
        CheckKind.Downstream => "Downstream servers",
        CheckKind.Slots => "Replication slots",
        CheckKind.MissingSlots => "Missing physical replication slots",
        CheckKind.DataDirectoryConfig => "Configured data directory",
        CheckKind.Agent => "pgward agent",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    /// <summary>The service name in <c>--nagios</c> output.</summary>
    public string NagiosName => Kind switch
    {
        CheckKind.Role => "PGWARD_SERVER_ROLE",
        CheckKind.ReplicationLag => "PGWARD_REPLICATION_LAG",
        CheckKind.ArchiveReady => "PGWARD_ARCHIVE_READY",
        CheckKind.Upstream => "PGWARD_UPSTREAM_SERVER",
        CheckKind.Downstream => "PGWARD_DOWNSTREAM_SERVERS",
        CheckKind.Slots => "PGWARD_INACTIVE_SLOTS",
        CheckKind.MissingSlots => "PGWARD_MISSING_SLOTS",
        CheckKind.DataDirectoryConfig => "PGWARD_DATA_DIRECTORY",
        CheckKind.Agent => "PGWARD_AGENT",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };
}
