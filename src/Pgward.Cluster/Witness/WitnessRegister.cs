using Npgsql;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Witness;

/// <summary>
/// <c>pgward witness register -h HOST [-p PORT] [-U USER] [-d DBNAME] [-F] [--dry-run]</c>: registers the local
/// PostgreSQL instance as the cluster's witness. A witness is a separate, non-replicating server that holds a copy of
/// the node records and votes in elections where it breaks a tie (beside an even number of data nodes, see
/// <see cref="VoterSet"/>); it is never a promotion candidate (priority 0).
/// </summary>
public sealed class WitnessRegister(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(string host, int? port, string? user, string? dbName, bool force, bool dryRun, CancellationToken ct)
    {
        var options = ctx.Options;
        var local = await ctx.Db.TryOpenAsync(options.Conninfo, ct);
        if (local.Connection is not { } witness)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to the witness server {ctx.LocalNode}: {local.Error}",
                hint: "start the witness's PostgreSQL instance and check \"conninfo\" in pgward.conf");
        }
        await using var _ = witness;
        var localConninfo = Conninfo.Parse(options.Conninfo);
        var primaryConninfo = Conninfo.Parse("")
            .With("host", host)
            .With("port", (port ?? Conninfo.DefaultPort).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("user", user ?? localConninfo.User)
            .With("dbname", dbName ?? localConninfo.DbName)
            .With("connect_timeout", localConninfo["connect_timeout"] ?? "2")
            // TLS and the password file as the witness connects to its own server.
            .WithSecurityOf(localConninfo);
        var remote = await ctx.Db.TryOpenAsync(primaryConninfo.ToString(), ct);
        if (remote.Connection is not { } primary)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to the primary at {primaryConninfo.ToMaskedString()}: {remote.Error}");
        }
        await using var __ = primary;

        var (primaryRecord, nodes, refusal) = await CheckAsync(witness, primary, force, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var record = NodeRecords.FromOptions(options, NodeType.Witness, primaryRecord!.NodeId) with { SlotName = null };
        if (dryRun)
        {
            ctx.Reporter.Info($"would register {ctx.LocalNode} as witness of primary {primaryRecord.Describe()} and copy {nodes!.Count + 1} node records to it");
            return Outcome.Ok;
        }

        var primaryStore = new MetadataStore(primary);
        await primaryStore.UpsertNodeAsync(record, ct);
        var witnessStore = new MetadataStore(witness);
        await witnessStore.CreateSchemaAsync(ct);
        var copy = await primaryStore.GetNodesAsync(ct);
        await witnessStore.ReplaceNodesAsync(copy, ct);
        KnownNodesCache.Save(options, copy);
        await ctx.Events.RecordAsync(primaryStore, new ClusterEvent(options.NodeId, options.NodeName, "witness_register", true,
            $"witness registration succeeded; upstream node ID is {primaryRecord.NodeId}", Related: primaryRecord), ct);
        ctx.Reporter.Notice($"witness {ctx.LocalNode} registered");
        return Outcome.Ok;
    }

    private async Task<(NodeRecord? Primary, IReadOnlyList<NodeRecord>? Nodes, Outcome? Refusal)> CheckAsync(
        NpgsqlConnection witness, NpgsqlConnection primary, bool force, CancellationToken ct)
    {
        var options = ctx.Options;
        var witnessFacts = await ServerProbe.ReadAsync(witness, ct);
        var primaryFacts = await ServerProbe.ReadAsync(primary, ct);
        if (witnessFacts.InRecovery)
        {
            return (null, null, Outcome.Fail(ExitCodes.BadConfig, $"{ctx.LocalNode} is a standby; a witness is a separate, non-replicating server"));
        }
        if (primaryFacts.InRecovery)
        {
            return (null, null, Outcome.Fail(ExitCodes.BadConfig, "the server given with -h is a standby",
                hint: "give the host and port of the primary"));
        }
        if (witnessFacts.SystemIdentifier == primaryFacts.SystemIdentifier)
        {
            return (null, null, Outcome.Fail(ExitCodes.BadConfig,
                "the witness server belongs to the replication cluster (same system identifier as the primary)",
                hint: "a witness is its own PostgreSQL instance, made with initdb, not a clone of the primary"));
        }
        var store = new MetadataStore(primary);
        if (!await store.SchemaExistsAsync(ct))
        {
            return (null, null, Outcome.Fail(ExitCodes.BadConfig, "the primary has no cluster metadata",
                hint: "register the primary first (pgward primary register)"));
        }
        var nodes = await store.GetNodesAsync(ct);
        if (nodes.FirstOrDefault(n => n.Type == NodeType.Primary && n.Active) is not { } primaryRecord)
        {
            return (null, null, Outcome.Fail(ExitCodes.BadConfig, "no active primary is registered"));
        }
        if (nodes.FirstOrDefault(n => n.NodeName == options.NodeName && n.NodeId != options.NodeId) is { } sameName)
        {
            return (null, null, Outcome.Fail(ExitCodes.BadConfig, $"node_name \"{options.NodeName}\" is already used by node ID {sameName.NodeId}"));
        }
        if (nodes.FirstOrDefault(n => n.NodeId == options.NodeId) is { } existing && (existing.Type != NodeType.Witness || !force))
        {
            return (null, null, Outcome.Fail(ExitCodes.BadConfig, $"{existing.Describe()} is already registered as {existing.Type.ToName()}",
                hint: existing.Type == NodeType.Witness ? "use -F/--force to register the witness again" : "give the witness its own node_id"));
        }
        return (primaryRecord, nodes, null);
    }
}
