namespace Pgward.Cluster.Rejoin;

/// <summary>Everything <see cref="RejoinPolicy"/> decides from: the local control data, the primary, pg_rewind's dry run.</summary>
public sealed record RejoinFacts(
    ControlData Local,
    int PrimaryNodeId,
    ulong PrimarySystemIdentifier,
    int PrimaryTimeline,
    RewindProbe Probe,
    bool ForceRewind,
    bool Reclone);
