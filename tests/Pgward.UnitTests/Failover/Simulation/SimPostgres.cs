namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>A model of one node's PostgreSQL: role, timeline, WAL position, fence.</summary>
public sealed class SimPostgres
{
    public bool Running { get; set; } = true;
    public bool IsPrimary { get; set; }
    public bool Fenced { get; set; } = true;
    public int Timeline { get; set; } = 1;

    /// <summary>On a primary the WAL end, on a standby the WAL received (kept across crashes: it is on disk).</summary>
    public ulong Lsn { get; set; }

    /// <summary>On a primary, the highest commit acknowledged to clients.</summary>
    public ulong AckedLsn { get; set; }

    public int? UpstreamId { get; set; }

    /// <summary>A standby with <c>recovery_min_apply_delay</c> above zero (see <see cref="Pgward.Failover.LocalStatus.ApplyDelayed"/>).</summary>
    public bool ApplyDelayed { get; set; }

    /// <summary>On a primary, what each standby reported as flushed on this timeline.</summary>
    public Dictionary<int, ulong> Flushed { get; } = [];

    public bool Writable(bool frozen) => Running && IsPrimary && !Fenced && !frozen;
}
