namespace Pgward.Agent.Health;

/// <summary>What a standby's lag was measured against.</summary>
public enum LagSource
{
    /// <summary>The upstream's current WAL position, asked from the upstream itself: the lag clients would see.</summary>
    Upstream,
    /// <summary>What this standby has received (receive − replay), used when the upstream cannot be reached: it
    /// understates the lag, since WAL the upstream wrote but did not send yet is not counted.</summary>
    Receive,
}
