using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Rejoin;

/// <summary>
/// <c>pgward node rejoin -d CONNINFO [--force-rewind] [--config-files a,b] [--dry-run] [--reclone]</c>: brings the
/// stopped local node (typically a failed former primary) back as a standby of the current primary. Every check runs
/// before anything is changed; pg_rewind runs only with <c>--force-rewind</c>, and the node keeps its own
/// configuration files across it.
/// </summary>
public sealed class NodeRejoin(OperationContext ctx)
{
    private static readonly TimeSpan DryRunTimeout = TimeSpan.FromMinutes(2);

    public async Task<Outcome> RunAsync(RejoinRequest request, CancellationToken ct)
    {
        var (local, problem) = LocalServer.Create(ctx);
        if (local is null)
        {
            return problem;
        }
        if (local.RunningPid() is { } pid)
        {
            return Outcome.Fail(ExitCodes.RejoinFailed, $"the local server is running (PID {pid}) in \"{local.DataDirectory}\"",
                hint: "node rejoin attaches a stopped node: stop the server first (pg_ctl stop)");
        }
        var (primary, outcome) = await RejoinTarget.FindAsync(ctx, request.Conninfo, ct);
        if (primary is null)
        {
            return outcome;
        }
        await using var _ = primary;
        ctx.Reporter.Notice($"rejoin target is {primary.Node.Describe()}");

        var (plan, refusal) = await CheckAsync(local, primary, request, ct);
        if (plan is null)
        {
            return refusal!;
        }
        if (request.DryRun)
        {
            ReportDryRun(local, primary, plan);
            return Outcome.Ok;
        }
        return await new RejoinSteps(ctx, local, primary, plan).RunAsync(ct);
    }

    private async Task<(RejoinPlan? Plan, Outcome? Refusal)> CheckAsync(
        LocalServer local, PrimaryConnection primary, RejoinRequest request, CancellationToken ct)
    {
        var options = ctx.Options;
        var facts = await ServerProbe.ReadAsync(primary.Connection, ct);
        var tool = new RewindTool(local, ctx.Processes);
        var (control, controlProblem) = await tool.ReadControlDataAsync(ct);
        if (control is null)
        {
            return (null, Refused("unable to read the local control data (pg_controldata)", controlProblem, null));
        }
        if (control.SystemIdentifier == facts.SystemIdentifier)
        {
            ctx.Reporter.Info("local and rejoin target system identifiers match");
        }
        var source = Conninfo.Parse(primary.Node.Conninfo);
        RejoinVerdict verdict;
        if (RejoinPolicy.ReceivedBeforePromotion(control, primary.Node.NodeId, facts.SystemIdentifier, facts.Timeline,
                request.Received) is { } received)
        {
            ctx.Reporter.Debug(received.Reason);
            verdict = received;
        }
        else
        {
            // A just-promoted primary's pg_control names the new timeline only after its first checkpoint, which
            // PostgreSQL spreads out; until then pg_rewind reads "same timeline" and answers "no rewind required" for a
            // forked node.
            await using (var checkpoint = new Npgsql.NpgsqlCommand("CHECKPOINT", primary.Connection))
            {
                await checkpoint.ExecuteNonQueryAsync(ct);
            }
            var probe = await tool.DryRunAsync(source, DryRunTimeout, ct);
            ctx.Reporter.Debug($"pg_rewind --dry-run: {probe.Message}");
            verdict = RejoinPolicy.Decide(new RejoinFacts(control, primary.Node.NodeId, facts.SystemIdentifier, facts.Timeline,
                probe, request.ForceRewind, request.Reclone));
        }
        if (verdict is RejoinVerdict.Refuse refuse)
        {
            return (null, Refused(refuse.Reason, refuse.Detail, refuse.Hint));
        }

        var (keep, outside) = ConfigArchive.For(local.DataDirectory, options.NodeName).Select(request.ConfigFiles);
        if (keep.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            return (null, Refused($"configuration file \"{missing}\" named in --config-files does not exist", null,
                "name files relative to the data directory, or give absolute paths"));
        }
        foreach (var file in outside)
        {
            ctx.Reporter.Info($"\"{file}\" is outside the data directory; pg_rewind and pg_basebackup leave it alone");
        }
        var slotName = options.UseReplicationSlots ? NodeRecords.SlotName(options.NodeId) : null;
        if (slotName is not null && facts.Slots.Any(s => s.SlotName == slotName && s.Active))
        {
            return (null, Refused($"replication slot \"{slotName}\" on the rejoin target is in use by another connection", null,
                "find what streams through it (pg_stat_replication on the primary) and stop it"));
        }
        var replication = source
            .With("user", NodeRecords.ReplicationUser(options))
            .With("application_name", options.NodeName);
        return (new RejoinPlan(verdict, source, replication, slotName, keep, control, facts.Timeline), null);
    }

    private static Outcome Refused(string error, string? detail, string? hint) =>
        Outcome.Fail(ExitCodes.RejoinFailed, error, hint: hint, detail: detail);

    private void ReportDryRun(LocalServer local, PrimaryConnection primary, RejoinPlan plan)
    {
        var reporter = ctx.Reporter;
        var tool = new RewindTool(local, ctx.Processes);
        switch (plan.Verdict)
        {
            case RejoinVerdict.Rewind:
                reporter.Notice($"pg_rewind execution required for this node to attach to rejoin target node {primary.Node.NodeId}");
                reporter.Detail(plan.Verdict.Reason);
                reporter.Notice($"would run: {tool.Describe(plan.Source)}");
                break;
            case RejoinVerdict.Reclone:
                reporter.Notice($"this node would be cloned afresh from {primary.Node.Describe()}");
                reporter.Detail(plan.Verdict.Reason);
                break;
            default:
                reporter.Notice(plan.Verdict.Reason);
                break;
        }
        if (plan.Verdict is not RejoinVerdict.NoRewind)
        {
            reporter.Notice($"would keep the node's configuration files: {string.Join(", ", plan.KeepFiles.Select(f => Path.GetFileName(f)))}");
        }
        reporter.Notice($"would write standby.signal and primary_conninfo '{plan.Replication.ToMaskedString()}'"
            + (plan.SlotName is { } slot ? $", primary_slot_name '{slot}' (created on the rejoin target)" : ""));
        reporter.Notice($"would start the server and wait up to {ctx.Options.NodeRejoinTimeout.TotalSeconds:0} seconds for it to stream from {primary.Node.Describe()}");
        reporter.Notice("prerequisites for rejoining are met; nothing was changed (--dry-run)");
    }
}
