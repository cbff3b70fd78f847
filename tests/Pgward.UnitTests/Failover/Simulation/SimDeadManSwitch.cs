namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>
/// The dead-man switch beside a data node's agent (issue 13): a process of its own, to which the agent publishes,
/// after every input it handles, <see cref="Pgward.Failover.FailoverNode.CommitsAllowedUntil"/> and whether the switch
/// is armed. Armed, it stops the server at once when the node's own clock passes the last deadline published. It
/// outlives the agent (a dead or frozen agent publishes nothing more, and the last deadline stands); it stops with
/// the host (crash) and freezes with it.
/// </summary>
public sealed class SimDeadManSwitch
{
    /// <summary>The last published deadline, on the node's own clock.</summary>
    public DateTimeOffset Deadline { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Armed while the node is an unfenced leader or its server is seen writable; a fresh switch (after a
    /// host restart) is disarmed until the agent publishes.</summary>
    public bool Armed { get; private set; }

    public void Publish(DateTimeOffset deadline, bool armed)
    {
        Deadline = deadline;
        Armed = armed;
    }

    /// <summary>Whether the switch stops the server at <paramref name="localNow"/>.</summary>
    public bool Fires(DateTimeOffset localNow) => Armed && localNow >= Deadline;

    /// <summary>The host died: the switch process is gone with it, and starts afresh, disarmed.</summary>
    public void Reset() => Publish(DateTimeOffset.MinValue, armed: false);
}
