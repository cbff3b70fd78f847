using Npgsql;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Backups;
using Pgward.Cluster.Show;
using Pgward.Core.Metadata;

namespace Pgward.Agent.Dashboard;

/// <summary>
/// One refresh of the dashboard, the I/O: <c>cluster show</c>, the node records, every agent's <c>GET /node</c>, the
/// event log and the backup servers from one node, the backup servers' slots on the primary. Everything is asked at
/// once and bounded by <see cref="AgentTimeout"/> or the connections' own timeouts; nothing here decides.
/// </summary>
public sealed class DashboardGatherer(OperationContext ctx, AgentClient agents, TimeProvider time)
{
    /// <summary>How long an agent may take to answer <c>GET /node</c>: 1.5 s. A frozen agent must not hold the page
    /// past the next refresh.</summary>
    public static readonly TimeSpan AgentTimeout = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long a backup server's list of backups is reused: 5 s. It changes when a backup ends, not during a
    /// failover, and listing reads the catalog on the backup server.</summary>
    public static readonly TimeSpan BackupListAge = TimeSpan.FromSeconds(5);

    private (DateTimeOffset At, IReadOnlyDictionary<string, AgentReply<IReadOnlyList<BackupSummary>>> Lists) backupLists = (DateTimeOffset.MinValue, new Dictionary<string, AgentReply<IReadOnlyList<BackupSummary>>>());

    public async Task<DashboardInputs> GatherAsync(CancellationToken ct)
    {
        // Beside cluster show's own read of the records: both may save the nodes this host knows (after a failover), each
        // through a temporary file of its own renamed into place, so the two cannot mix.
        var showing = ShowAsync(ct);
        var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, ct);
        var servedBy = ctx.LocalNode;
        if (source is null)
        {
            return new DashboardInputs(time.GetUtcNow(), servedBy, null, outcome.Error, await showing, new Dictionary<int, AgentReply<NodeReport>>(), [],
                ([], time.GetUtcNow()), new Dictionary<string, ArchiveSlot>(), new Dictionary<string, AgentReply<IReadOnlyList<BackupSummary>>>());
        }
        var asking = Task.WhenAll(source.Nodes.Where(n => n.AgentUrl is not null)
            .Select(async n => (n.NodeId, Reply: await agents.GetNodeAsync(n.AgentUrl!, ct, AgentTimeout))));
        var (events, servers, slots) = await ReadMetadataAsync(source.Nodes, ct);
        var lists = await BackupListsAsync(servers.Rows, ct);
        var replies = await asking;
        return new DashboardInputs(time.GetUtcNow(), servedBy, source.Nodes, null, await showing, replies.ToDictionary(r => r.NodeId, r => r.Reply),
            events, servers, slots, lists);
    }

    private async Task<ClusterReport?> ShowAsync(CancellationToken ct) => (await new ClusterShow(ctx).RunAsync(ct)).Report;

    /// <summary>The events, the backup servers and their slots from the first node that answers: the recorded primary
    /// first (its copy is the newest, and only it knows the slots' positions), then this node, then the others.</summary>
    private async Task<(IReadOnlyList<EventRecord> Events, (IReadOnlyList<BackupServerRecord> Rows, DateTimeOffset ReadAt) Servers, IReadOnlyDictionary<string, ArchiveSlot> Slots)>
        ReadMetadataAsync(IReadOnlyList<NodeRecord> nodes, CancellationToken ct)
    {
        var order = nodes.Where(n => n.Type != NodeType.Witness)
            .OrderByDescending(n => n.Type == NodeType.Primary && n.Active)
            .ThenByDescending(n => n.NodeId == ctx.Options.NodeId);
        foreach (var node in order)
        {
            var attempt = await ctx.Db.TryOpenAsync(node.Conninfo, ct);
            if (attempt.Connection is not { } connection)
            {
                continue;
            }
            await using (connection)
            {
                try
                {
                    var store = new MetadataStore(connection);
                    var events = await store.GetEventsAsync(new EventFilter(DashboardShaper.EventCount, null, null, null), ct);
                    var backupStore = new BackupServerStore(connection);
                    var servers = await backupStore.TableExistsAsync(ct) ? await backupStore.GetAllAsync(ct) : ([], time.GetUtcNow());
                    var slots = servers.Servers.Count > 0 && !await ClusterMetadata.IsInRecoveryAsync(connection, ct)
                        ? await ReadSlotsAsync(connection, [.. servers.Servers.Select(s => s.SlotName)], ct)
                        : new Dictionary<string, ArchiveSlot>();
                    return (events, servers, slots);
                }
                catch (NpgsqlException)
                {
                    // Gone between the connection and the reads: the next node is asked.
                }
            }
        }
        return ([], ([], time.GetUtcNow()), new Dictionary<string, ArchiveSlot>());
    }

    private static async Task<IReadOnlyDictionary<string, ArchiveSlot>> ReadSlotsAsync(NpgsqlConnection connection, string[] names, CancellationToken ct)
    {
        // Every physical slot, filtered here: the agent's data source has no array types (NativeAOT, slim builder).
        await using var cmd = new NpgsqlCommand(
            "SELECT slot_name, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots WHERE slot_type = 'physical'",
            connection);
        var slots = new Dictionary<string, ArchiveSlot>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (names.Contains(reader.GetString(0)))
            {
                slots[reader.GetString(0)] = new ArchiveSlot(reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
            }
        }
        return slots;
    }

    /// <summary>A backup server's list within <see cref="AgentTimeout"/>: one that hangs must not hold the nodes' refresh.</summary>
    private async Task<AgentReply<IReadOnlyList<BackupSummary>>> ListAsync(BackupEndpointClient endpoints, string endpoint, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(AgentTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            return await endpoints.ListBackupsAsync(endpoint, linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return AgentReply<IReadOnlyList<BackupSummary>>.Unreachable($"the backup server at {endpoint} did not answer within {AgentTimeout.TotalSeconds:0.#} s");
        }
    }

    private async Task<IReadOnlyDictionary<string, AgentReply<IReadOnlyList<BackupSummary>>>> BackupListsAsync(
        IReadOnlyList<BackupServerRecord> servers, CancellationToken ct)
    {
        if (time.GetUtcNow() - backupLists.At < BackupListAge || servers.Count == 0)
        {
            return backupLists.Lists;
        }
        using var endpoints = new BackupEndpointClient(ctx.Options, time);
        var replies = await Task.WhenAll(servers.Where(s => s.Endpoint is not null)
            .Select(async s => (s.Name, Reply: await ListAsync(endpoints, s.Endpoint!, ct))));
        backupLists = (time.GetUtcNow(), replies.ToDictionary(r => r.Name, r => r.Reply));
        return backupLists.Lists;
    }
}
