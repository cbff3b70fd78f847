using Npgsql;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>pgward standby promote [--dry-run] [-F]</c>: turns the local standby into the primary, after making sure the
/// recorded primary is gone (unless forced), and records the change in the metadata on the new primary.
/// </summary>
/// <remarks>
/// Ctrl-C before the promotion is requested stops cleanly. Once it is requested the server promotes regardless, so
/// the wait and the metadata update run on their own bounded deadline: stopping half-way would leave a primary the
/// metadata still calls a standby.
/// </remarks>
public sealed class StandbyPromote(OperationContext ctx)
{
    private static readonly TimeSpan MetadataSlack = TimeSpan.FromSeconds(30);

    public Task<Outcome> RunAsync(bool force, bool dryRun, CancellationToken ct) => RunAsync(force, dryRun, elected: false, ct);

    /// <summary>
    /// The daemon's promotion of a standby that won an election: the election, not a connection attempt, settled
    /// that no other primary takes writes (the old one is fenced, maybe unreachable), so nobody is asked, and a
    /// frozen old primary cannot hold the promotion up.
    /// </summary>
    public Task<Outcome> RunElectedAsync(CancellationToken ct) => RunAsync(force: true, dryRun: false, elected: true, ct);

    /// <summary>
    /// Set by the agent in the environment of <c>promote_command</c>, to the term its node won: a
    /// <c>pgward standby promote</c> run by that command is the elected promotion itself, so it neither asks the agent
    /// (which is waiting for the command) nor looks for a running primary (the election settled that).
    /// </summary>
    public const string ElectedTermVariable = "PGWARD_ELECTED_TERM";

    private async Task<Outcome> RunAsync(bool force, bool dryRun, bool elected, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } local)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to the local {ctx.LocalNode}",
                detail: attempt.Error, hint: "standby promote needs the local standby running");
        }
        await using var _ = local;
        if (!await ClusterMetadata.IsInRecoveryAsync(local, ct))
        {
            return Outcome.Fail(ExitCodes.PromotionFailed, $"the local {ctx.LocalNode} is not a standby",
                hint: "standby promote can only be executed on a standby node");
        }
        var store = new MetadataStore(local);
        if (!await store.SchemaExistsAsync(ct))
        {
            return Outcome.Fail(ExitCodes.BadConfig, "no cluster metadata on this standby",
                hint: "register the primary and this standby first");
        }
        var nodes = await store.GetNodesAsync(ct);
        // An elected node may still be recorded as the primary it once was: inactive after a rejoin whose last step,
        // the record's update, was cut short by the next failure (kill-primary:async seed 201); or active, a deposed
        // primary that its guard holds read-only and that won an election, when nobody was promoted after it. The
        // election settled what it is; refusing here would leave the cluster without a primary for good.
        if (nodes.FirstOrDefault(n => n.NodeId == ctx.Options.NodeId) is not { } self
            || !(self.Type == NodeType.Standby || (elected && self.Type == NodeType.Primary)))
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"the local {ctx.LocalNode} is not registered as a standby",
                hint: "register it first with \"pgward standby register\"");
        }
        if (!elected && await RunningPrimaryAsync(nodes, ct) is { } primary && !force)
        {
            return Outcome.Fail(ExitCodes.PromotionFailed, "this cluster already has an active primary",
                detail: $"current primary is \"{primary.NodeName}\" (ID: {primary.NodeId})",
                hint: "promote only after the primary has failed; -F/--force promotes anyway and leaves two primaries");
        }

        var method = ctx.Options.ServicePromoteCommand is { Length: > 0 } command
            ? $"service_promote_command \"{command}\""
            : "pg_promote()";
        if (dryRun)
        {
            ctx.Reporter.Info($"no active primary found; {ctx.LocalNode} can be promoted");
            ctx.Reporter.Notice($"would promote {ctx.LocalNode} with {method}");
            return Outcome.Ok;
        }

        ctx.Reporter.Notice($"promoting standby to primary with {method}");
        using var finish = new CancellationTokenSource(ctx.Options.PromoteCheckTimeout + MetadataSlack, ctx.Time);
        return await PromoteAsync(local, self, nodes, finish.Token);
    }

    /// <summary>The first other node (recorded primary first) that answers and is not in recovery.</summary>
    private async Task<NodeRecord?> RunningPrimaryAsync(IReadOnlyList<NodeRecord> nodes, CancellationToken ct)
    {
        await using var primary = await ClusterMetadata.ConnectPrimaryAsync(ctx, [.. nodes.Where(n => n.NodeId != ctx.Options.NodeId)], ct);
        return primary?.Node;
    }

    private async Task<Outcome> PromoteAsync(NpgsqlConnection local, NodeRecord self, IReadOnlyList<NodeRecord> nodes, CancellationToken ct)
    {
        if (await CommitLeaseStandby.ClearAsync(local, ct))
        {
            ctx.Reporter.Info($"synchronous_standby_names named only the agent's commit lease \"{CommitLeaseStandby.Name}\": reset, so the first commits do not wait for it");
        }
        var requested = await new Promotion(ctx).RequestAsync(local, ct);
        if (requested is not null)
        {
            return Outcome.Fail(ExitCodes.PromotionFailed, "unable to promote the local standby", detail: requested);
        }
        var writable = await Waiting.UntilAsync(async token => !await ClusterMetadata.IsInRecoveryAsync(local, token),
            ctx.Options.PromoteCheckTimeout, ctx.Options.PromoteCheckInterval, ctx.Time, ct);
        if (!writable)
        {
            return Outcome.Fail(ExitCodes.PromotionFailed,
                $"the local {ctx.LocalNode} is still in recovery after {ctx.Options.PromoteCheckTimeout.TotalSeconds:0} seconds",
                hint: "check the server log; promote_check_timeout sets how long to wait");
        }

        var former = await PromotionRecord.WriteAsync(ctx, local, self, nodes, ct);
        var store = new MetadataStore(local);
        var details = $"server \"{self.NodeName}\" (ID: {self.NodeId}) was successfully promoted to primary";
        await ctx.Events.RecordAsync(store, new ClusterEvent(self.NodeId, self.NodeName, "standby_promote", true, details, Related: former), ct);
        ctx.Reporter.Notice("STANDBY PROMOTE successful");
        ctx.Reporter.Detail(details);
        return Outcome.Ok;
    }
}
