namespace Pgward.Failover;

/// <summary>
/// Whether a standby that does not stream from the primary should follow it. repmgr keeps a cascade (a standby cloned
/// and registered behind another standby, <c>--upstream-node-id</c>) and re-points it only when its upstream fails: so
/// does this node, while it re-points at once a standby left behind by a change of primary.
/// </summary>
public sealed partial class FailoverNode
{
    /// <summary>The primary this node acknowledged before the current one: a standby still pointed at it was left behind
    /// by a failover or a switchover, it did not choose a cascade. Not kept across restarts.</summary>
    private int? replacedPrimary;

    /// <summary>Since when the running standby's WAL receiver has not streamed; null while it streams.</summary>
    private DateTimeOffset? upstreamSilentSince;

    /// <summary>Called by every tick with what the agent observed.</summary>
    private void TrackUpstream(DateTimeOffset now)
    {
        upstreamSilentSince = !local.IsRunning || local.IsPrimary || local.Streaming ? null : upstreamSilentSince ?? now;
    }

    /// <summary>Called when the voter state changes: remembers the primary it replaces.</summary>
    private void NotePrimaryChange(VoterState next)
    {
        if (voter.PrimaryId is { } previous && next.PrimaryId != previous)
        {
            replacedPrimary = previous;
        }
    }

    /// <summary>Why this standby, which does not stream from the primary, should follow the primary now (the event's
    /// reason); null to keep its upstream: a standby that streams from another standby, or stopped streaming from it less
    /// than <see cref="FailoverOptions.FailoverTimeout"/> ago (a restart, a switchover of that upstream), is a cascade
    /// that still works.</summary>
    private string? UpstreamFailure(DateTimeOffset now)
    {
        if (local.UpstreamId is not { } upstream)
        {
            return "it has no upstream";
        }
        if (upstream == replacedPrimary)
        {
            return $"its upstream node {upstream} is no longer the primary";
        }
        if (upstreamSilentSince is { } since && now - since >= options.FailoverTimeout)
        {
            return $"its upstream node {upstream} has not streamed to it for {(now - since).TotalSeconds:0.#} s";
        }
        return null;
    }

    /// <summary>A standby that streams from a working cascade upstream: it is not pointed at the primary of the term, so a
    /// granted vote does not stop its receiver (which would end the cascade); what it holds came through a standby that
    /// is a voter too. A voter that knows no primary (it voted, then restarted) cannot tell a cascade from a primary it
    /// has not heard replaced: it detaches, the safe side.</summary>
    private bool KeepsCascade(DateTimeOffset now) =>
        local is { IsRunning: true, IsPrimary: false, UpstreamId: { } upstream } && voter.PrimaryId is { } primary && upstream != primary
        && UpstreamFailure(now) is null;
}
