using Pgward.Failover;

namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>The shape of a simulated cluster. Node 1 starts as the primary; node ids 1..DataNodes are data
/// nodes, the witness (if any) comes after them.</summary>
public sealed record SimSettings
{
    public int DataNodes { get; init; } = 3;
    public bool Witness { get; init; }
    public FailoverOptions Options { get; init; } = new();
    public TimeSpan MinDelay { get; init; } = TimeSpan.FromMilliseconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(20);
    public double Loss { get; init; }

    /// <summary>Each node's clock runs at a rate within 1 ± this of true time (0.05: ±5 %).</summary>
    public double ClockDrift { get; init; }

    /// <summary>Whether each data node runs the dead-man switch (<see cref="SimDeadManSwitch"/>); off only to show
    /// what happens without it.</summary>
    public bool DeadManSwitch { get; init; } = true;

    /// <summary>WAL bytes a writable primary generates per 10 ms step, at most.</summary>
    public int WriteBytesPerStep { get; init; } = 2000;

    /// <summary>Per node id, a profile other than the default.</summary>
    public IReadOnlyDictionary<int, NodeProfile> Profiles { get; init; } = new Dictionary<int, NodeProfile>();

    public int VoterCount => DataNodes + (Witness ? 1 : 0);

    /// <summary><c>ANY k</c>: with k = voters − majority, every majority without the primary holds a standby
    /// that flushed every acknowledged commit.</summary>
    public int SyncStandbys => VoterCount - (VoterCount / 2 + 1);

    public NodeProfile Profile(int id) =>
        Profiles.TryGetValue(id, out var profile) ? profile
        : id > DataNodes ? NodeProfile.Witness(id)
        : new NodeProfile(id);
}
