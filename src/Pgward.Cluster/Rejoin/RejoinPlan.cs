using Pgward.Core.Postgres;

namespace Pgward.Cluster.Rejoin;

/// <summary>What the checks of <c>node rejoin</c> settled on, handed to <see cref="RejoinSteps"/> to carry out.</summary>
/// <param name="Verdict">NoRewind, Rewind or Reclone (never Refuse).</param>
/// <param name="Source">The primary's conninfo, as pg_rewind's source server.</param>
/// <param name="Replication">primary_conninfo for the standby configuration.</param>
/// <param name="SlotName">primary_slot_name, or null without <c>use_replication_slots</c>.</param>
/// <param name="KeepFiles">Configuration files kept across pg_rewind or the re-clone.</param>
/// <param name="Local">The node's control data when the checks read it.</param>
/// <param name="PrimaryTimeline">The primary's timeline then.</param>
public sealed record RejoinPlan(
    RejoinVerdict Verdict,
    Conninfo Source,
    Conninfo Replication,
    string? SlotName,
    IReadOnlyList<string> KeepFiles,
    ControlData Local,
    int PrimaryTimeline);
