using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Switchover;

/// <summary>
/// Runs the steps of a switchover in order and decides what to undo when one fails. Until the candidate is
/// promoted, any failure restarts the old primary, and the cluster is as it was, unless the agents elected another
/// standby meanwhile (then the old primary rejoins it). Once the candidate may be a primary,
/// the old primary is never started as one again (that would make two): it rejoins whichever node is the primary then,
/// and later failures leave a working new primary and say which node still needs attention.
/// </summary>
public sealed class SwitchoverOrchestrator(ISwitchoverActions actions, IReporter reporter)
{
    public async Task<SwitchoverResult> RunAsync(SwitchoverPlan plan, CancellationToken ct)
    {
        var primary = plan.Primary.Describe();
        var candidate = plan.Candidate.Describe();

        reporter.Notice($"stopping current primary {primary}");
        var (stopped, checkpoint) = await actions.StopPrimaryAsync(ct);
        if (stopped is { Succeeded: false, Refused: true })
        {
            return await FailAsync(SwitchoverPhase.StoppingPrimary, ExitCodes.SwitchoverFailed, $"stopping the primary failed: {stopped.Error}",
                "nothing was changed: the primary's agent refused before acting, and the primary runs as it did", ct);
        }
        if (!stopped.Succeeded)
        {
            return await RollBackAsync(plan, SwitchoverPhase.StoppingPrimary, $"stopping the primary failed: {stopped.Error}", ct);
        }
        reporter.Notice($"current primary has been cleanly shut down at location {checkpoint}");

        var received = await actions.WaitUntilCandidateReceivedAsync(checkpoint, ct);
        if (!received.Succeeded)
        {
            return await RollBackAsync(plan, SwitchoverPhase.WaitingForShutdownCheckpoint,
                $"{candidate} did not receive the shutdown checkpoint {checkpoint}: {received.Error}", ct);
        }

        reporter.Notice($"promoting standby {candidate} to primary");
        var promoted = await actions.PromoteCandidateAsync(ct);
        if (!promoted.Succeeded)
        {
            return await PromotionFailedAsync(plan, promoted.Error, ct);
        }

        var incomplete = new List<string>();
        if (await actions.UpdateMetadataAsync(ct) is { Succeeded: false } metadata)
        {
            incomplete.Add($"the metadata could not be updated: {metadata.Error}");
        }

        reporter.Notice($"starting {primary} as a standby of {candidate}");
        if (await actions.RejoinOldPrimaryAsync(plan.Candidate, checkpoint, ct) is { Succeeded: false } rejoined)
        {
            incomplete.Add($"{primary} did not rejoin as a standby: {rejoined.Error} (run \"pgward node rejoin\" on it)");
        }

        if (plan.SiblingsFollow)
        {
            foreach (var sibling in plan.Siblings)
            {
                reporter.Notice($"re-pointing {sibling.Describe()} to {candidate}");
                if (await actions.FollowNewPrimaryAsync(sibling, ct) is { Succeeded: false } followed)
                {
                    incomplete.Add($"{sibling.Describe()} does not follow the new primary: {followed.Error} (run \"pgward standby follow\" on it)");
                }
            }
        }

        var details = $"{candidate} promoted to primary, {primary} demoted to standby";
        if (incomplete.Count > 0)
        {
            await actions.RecordAsync("standby_switchover", false, details + "; " + string.Join("; ", incomplete), ct);
            return new SwitchoverResult(SwitchoverPhase.Done, Outcome.Fail(ExitCodes.SwitchoverIncomplete,
                $"switchover completed with issues: {candidate} is the new primary, but " + string.Join("; ", incomplete)));
        }
        await actions.RecordAsync("standby_switchover", true, details, ct);
        reporter.Notice($"switchover was successful: {candidate} is now primary and {primary} is attached as standby");
        return new SwitchoverResult(SwitchoverPhase.Done, Outcome.Ok);
    }

    /// <summary>
    /// The promotion may have happened even though the step failed (it timed out waiting for writes), or the agents
    /// elected another standby while the old primary was stopped (they saw it gone and ran an election of their own,
    /// which refused this one): starting the old primary as a primary would then make two. It rejoins whichever standby
    /// is the primary now; with none, both are left as they are.
    /// </summary>
    private async Task<SwitchoverResult> PromotionFailedAsync(SwitchoverPlan plan, string? promotionError, CancellationToken ct)
    {
        var primary = plan.Primary.Describe();
        var candidate = plan.Candidate.Describe();
        var error = $"promoting {candidate} failed: {promotionError}";
        if (await actions.FindPrimaryAfterFailedPromotionAsync(ct) is not { } elected)
        {
            return await FailAsync(SwitchoverPhase.PromotingCandidate, ExitCodes.SwitchoverFailed, error,
                $"the old primary {primary} was left stopped; check {candidate} with \"pgward cluster show\", then either promote it or start the old primary", ct);
        }
        return await RejoinElectedAsync(plan, SwitchoverPhase.PromotingCandidate, error, elected, ct);
    }

    /// <summary>
    /// Before the promotion, a failed step restarts the old primary, unless the agents elected a standby while it was
    /// stopped (automatic failover: a stop or a wait that outlasts the failure detection): that standby is the primary
    /// now, and the old primary rejoins it instead. An election that ends while the old primary starts is looked for
    /// after the start, so the result never says "as it was" of a cluster that has a new primary (the old one's agent
    /// fences it; it rejoins the elected node).
    /// </summary>
    private async Task<SwitchoverResult> RollBackAsync(SwitchoverPlan plan, SwitchoverPhase phase, string error, CancellationToken ct)
    {
        if (await actions.FindWritableStandbyAsync(ct) is { } elected)
        {
            reporter.Warning($"{error}; {elected.Describe()} was elected primary meanwhile");
            return await RejoinElectedAsync(plan, phase, error, elected, ct);
        }
        reporter.Warning($"{error}; restarting the old primary");
        var restarted = await actions.RestartOldPrimaryAsync(ct);
        if (!restarted.Succeeded)
        {
            return await FailAsync(phase, ExitCodes.SwitchoverFailed, error,
                $"restarting the old primary failed too: {restarted.Error}; start it by hand (pgward node service --action=start)", ct);
        }
        if (await actions.FindWritableStandbyAsync(ct) is { } electedDuringStart)
        {
            reporter.Warning($"{electedDuringStart.Describe()} was elected primary while the old primary started");
            return await RejoinElectedAsync(plan, phase, error, electedDuringStart, ct);
        }
        return await FailAsync(phase, ExitCodes.SwitchoverFailed, error, "the old primary was restarted and the cluster is as it was", ct);
    }

    /// <summary>The old primary rejoins <paramref name="elected"/>, the standby that is the primary now.</summary>
    private async Task<SwitchoverResult> RejoinElectedAsync(
        SwitchoverPlan plan, SwitchoverPhase phase, string error, NodeRecord elected, CancellationToken ct)
    {
        var primary = plan.Primary.Describe();
        reporter.Notice($"{elected.Describe()} is the primary now; starting {primary} as its standby");
        var rejoined = await actions.RejoinOldPrimaryAsync(elected, receivedCheckpoint: null, ct);
        var detail = rejoined.Succeeded
            ? $"{elected.Describe()} is the primary now, and the old primary {primary} rejoined it as a standby"
            : $"{elected.Describe()} is the primary now, but the old primary {primary} did not rejoin it: {rejoined.Error} (run \"pgward node rejoin\" on it)";
        return await FailAsync(phase, ExitCodes.SwitchoverFailed, error, detail, ct);
    }

    private async Task<SwitchoverResult> FailAsync(SwitchoverPhase phase, int exitCode, string error, string detail, CancellationToken ct)
    {
        await actions.RecordAsync("standby_switchover", false, $"failed while {Describe(phase)}: {error}; {detail}", ct);
        return new SwitchoverResult(phase, Outcome.Fail(exitCode, $"switchover failed while {Describe(phase)}: {error}", detail: detail));
    }

    public static string Describe(SwitchoverPhase phase) => phase switch
    {
        SwitchoverPhase.Checking => "checking the prerequisites",
        SwitchoverPhase.StoppingPrimary => "stopping the primary",
        SwitchoverPhase.WaitingForShutdownCheckpoint => "waiting for the candidate to receive the shutdown checkpoint",
        SwitchoverPhase.PromotingCandidate => "promoting the candidate",
        SwitchoverPhase.RejoiningOldPrimary => "rejoining the old primary",
        SwitchoverPhase.SiblingsFollowing => "re-pointing the siblings",
        _ => "finishing",
    };
}
