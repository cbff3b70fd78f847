namespace Pgward.Agent.Fencing;

/// <summary>What the dead-man switch does next.</summary>
public enum DeadManStep
{
    Wait,

    /// <summary>Stop the running postmaster at once (immediate shutdown).</summary>
    Fire,

    /// <summary>Nothing is left to guard, or another switch took over: end the process.</summary>
    Exit,
}

/// <summary>
/// The dead-man switch's decision on each round, pure so that it is tested without processes. The switch stops the
/// server when it is armed and the deadline has passed: the agent renews the deadline while a majority of voters
/// acknowledges the primary, so an agent that died, froze or was stopped leaves a deadline that passes. It stops each
/// postmaster once (a server started again after that was started by someone who saw it down: the guard's
/// <c>standby.signal</c> makes it read-only). It ends when the agent is gone and there is nothing left to stop.
/// </summary>
public static class DeadManRules
{
    /// <param name="now">The switch's clock, the same monotonic clock the agent wrote the deadline in.</param>
    /// <param name="agentAlive">Whether the agent's process still exists (a frozen one does).</param>
    /// <param name="replaced">Whether the state names another switch: the agent started a new one.</param>
    /// <param name="postmaster">The PID of the running postmaster, null when none runs.</param>
    /// <param name="armedPostmaster">The postmaster the deadline applies to, 0 for any: the agent arms a server it saw
    /// writable by its PID, so that a server it has since started again read-only is not stopped for it.</param>
    /// <param name="firedDeadline">The deadline the switch last stopped a postmaster for; null when it never did. Armed for
    /// whichever postmaster runs, a deadline is enforced once: the server started after that (by a restarted agent, or
    /// by its fence) is read-only (the guard), and the agent arms a new deadline before it takes writes again. Enforced
    /// again, it stopped the read-only server the restarted agent had just started, which then never rejoined.</param>
    /// <param name="standbyStarted">Whether the running postmaster started in standby mode (<see cref="StandbyStart"/>):
    /// in recovery, it takes no writes, and is never stopped.</param>
    public static DeadManStep Decide(DeadManMode mode, long deadline, long now, bool agentAlive, bool replaced, int? postmaster,
        int firedPostmaster, int armedPostmaster = 0, long? firedDeadline = null, bool standbyStarted = false)
    {
        if (replaced || mode == DeadManMode.Exit)
        {
            return DeadManStep.Exit;
        }
        var enforced = armedPostmaster == 0 && firedDeadline == deadline;
        var unstopped = postmaster is int pid && pid != firedPostmaster && (armedPostmaster == 0 || armedPostmaster == pid) && !enforced
            && !standbyStarted;
        if (mode == DeadManMode.Armed && now >= deadline && unstopped)
        {
            return DeadManStep.Fire;
        }
        if (!agentAlive && (mode != DeadManMode.Armed || !unstopped))
        {
            return DeadManStep.Exit;
        }
        return DeadManStep.Wait;
    }

    /// <summary>Whether <see cref="Decide"/> needs the running postmaster: only when the deadline passed on an armed switch
    /// or the agent is gone. Otherwise it waits whatever runs, so the switch reads neither <c>postmaster.pid</c> nor /proc
    /// on its rounds, four a second (BENCHMARKS.md, issue 17).</summary>
    public static bool NeedsPostmaster(DeadManMode mode, long deadline, long now, bool agentAlive) =>
        !agentAlive || mode == DeadManMode.Armed && now >= deadline;

    /// <summary>How long to sleep before the next round: until the deadline, at most <paramref name="poll"/>, and at least
    /// a millisecond.</summary>
    public static TimeSpan Sleep(DeadManMode mode, long deadline, long now, long frequency, TimeSpan poll)
    {
        if (mode != DeadManMode.Armed || deadline <= now)
        {
            return poll;
        }
        var untilDeadline = TimeSpan.FromSeconds((double)(deadline - now) / frequency);
        return untilDeadline < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1)
            : untilDeadline < poll ? untilDeadline : poll;
    }
}
