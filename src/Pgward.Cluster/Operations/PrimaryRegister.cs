using Npgsql;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary><c>pgward primary register [-F] [--dry-run]</c>: creates the metadata schema and registers the local primary.</summary>
public sealed class PrimaryRegister(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(bool force, bool dryRun, CancellationToken ct)
    {
        var options = ctx.Options;
        var attempt = await ctx.Db.TryOpenAsync(options.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to the local {ctx.LocalNode}: {attempt.Error}",
                hint: "check \"conninfo\" in pgward.conf and that PostgreSQL is running");
        }
        await using var _ = connection;

        if (await ClusterMetadata.IsInRecoveryAsync(connection, ct))
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"the local {ctx.LocalNode} is a standby and cannot be registered as primary",
                hint: "register it with \"pgward standby register\"");
        }

        var store = new MetadataStore(connection);
        var schemaExists = await store.SchemaExistsAsync(ct);
        var existing = schemaExists ? await store.GetNodesAsync(ct) : [];
        if (CheckConflicts(existing, force) is { } refusal)
        {
            return refusal;
        }

        var record = NodeRecords.FromOptions(options, NodeType.Primary, upstreamNodeId: null);
        if (dryRun)
        {
            ctx.Reporter.Info(schemaExists ? "schema \"pgward\" exists" : "would create schema \"pgward\"");
            ctx.Reporter.Info($"would register {ctx.LocalNode} as primary");
            ctx.Reporter.Info("prerequisites for registering the primary are met");
            return Outcome.Ok;
        }

        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            if (!schemaExists)
            {
                ctx.Reporter.Notice("creating schema \"pgward\"");
            }
            // Idempotent: also adds what a newer pgward needs to a schema an older one created.
            await store.CreateSchemaAsync(ct);
            foreach (var stale in existing.Where(n => n.Type == NodeType.Primary && n.NodeId != record.NodeId && n.Active))
            {
                await store.UpsertNodeAsync(stale with { Active = false }, ct);
            }
            await store.UpsertNodeAsync(record, ct);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e)
        {
            return Outcome.Fail(ExitCodes.DbQuery, $"unable to register the primary: {e.MessageText}",
                hint: e.SqlState == PostgresErrorCodes.InsufficientPrivilege
                    ? "the user in \"conninfo\" needs CREATE on the database (a superuser, or the database owner)"
                    : null);
        }

        KnownNodesCache.Save(options, await store.GetNodesAsync(ct));
        if (!schemaExists)
        {
            await ctx.Events.RecordAsync(store, new ClusterEvent(options.NodeId, options.NodeName, "cluster_created", true,
                "cluster metadata created"), ct);
        }
        await ctx.Events.RecordAsync(store, new ClusterEvent(options.NodeId, options.NodeName, "primary_register", true,
            existing.Any(n => n.NodeId == record.NodeId) ? "existing primary record updated" : "primary registration succeeded"), ct);
        ctx.Reporter.Notice($"primary {ctx.LocalNode} registered");
        return Outcome.Ok;
    }

    private Outcome? CheckConflicts(IReadOnlyList<NodeRecord> existing, bool force)
    {
        var options = ctx.Options;
        if (existing.FirstOrDefault(n => n.NodeName == options.NodeName && n.NodeId != options.NodeId) is { } sameName)
        {
            return Outcome.Fail(ExitCodes.BadConfig,
                $"node_name \"{options.NodeName}\" is already used by node ID {sameName.NodeId}",
                hint: "give each node a unique \"node_name\" in pgward.conf");
        }
        if (existing.FirstOrDefault(n => n.NodeId == options.NodeId) is { } self && !force)
        {
            return Outcome.Fail(ExitCodes.BadConfig,
                $"{self.Describe()} is already registered as {self.Type.ToName()}",
                hint: "use -F/--force to overwrite the existing record");
        }
        if (existing.FirstOrDefault(n => n.Type == NodeType.Primary && n.Active && n.NodeId != options.NodeId) is { } other && !force)
        {
            return Outcome.Fail(ExitCodes.BadConfig,
                $"the cluster already has an active primary: {other.Describe()}",
                hint: "if that node is gone for good, use -F/--force: its record is marked inactive");
        }
        return null;
    }
}
