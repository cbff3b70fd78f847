namespace Pgward.Cluster.Switchover;

/// <summary>The command line of <c>standby switchover</c>; <paramref name="Candidate"/> is a node ID or name (default: the local node).</summary>
public sealed record SwitchoverRequest(string? Candidate, bool SiblingsFollow, bool DryRun, bool ForceRewind);
