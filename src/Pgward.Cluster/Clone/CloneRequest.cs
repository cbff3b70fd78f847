namespace Pgward.Cluster.Clone;

/// <summary>The command line of <c>standby clone</c>: where to clone from and how.</summary>
public sealed record CloneRequest(
    string Host,
    int? Port,
    string? User,
    string? DbName,
    int? UpstreamNodeId,
    bool FastCheckpoint,
    bool DryRun,
    bool Force,
    CloneFromBackup? FromBackup = null);
