namespace Pgward.Testing.Chaos;

/// <summary>
/// What a fault hits, resolved by the nemesis when the fault starts: a node by id, whichever node is primary then, a
/// standby chosen by the schedule's seed, the witness, the backup server, or the whole cluster.
/// </summary>
/// <param name="Id"><c>node:N</c>, <c>primary</c>, <c>standby</c>, <c>witness</c>, <c>backup</c> or <c>cluster</c>.</param>
public sealed record FaultTarget(string Id)
{
    public static FaultTarget Primary { get; } = new("primary");

    /// <summary>A standby; which one is chosen by the schedule (<see cref="PlannedFault.Choice"/>).</summary>
    public static FaultTarget AnyStandby { get; } = new("standby");

    public static FaultTarget Witness { get; } = new("witness");

    public static FaultTarget Backup { get; } = new("backup");

    public static FaultTarget Cluster { get; } = new("cluster");

    public static FaultTarget Node(int nodeId) => new($"node:{nodeId}");

    /// <summary>The node id of a <c>node:N</c> target; null for the others.</summary>
    public int? NodeId => Id.StartsWith("node:", StringComparison.Ordinal) && int.TryParse(Id.AsSpan(5), out var id) ? id : null;

    public override string ToString() => Id;
}
