namespace Pgward.Cluster.Switchover;

/// <summary>The phase a switchover reached and how it ended.</summary>
public sealed record SwitchoverResult(SwitchoverPhase Phase, Outcome Outcome);
