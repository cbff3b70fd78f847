using Pgward.Backup.Catalog;
using Pgward.Cluster;
using Pgward.Cluster.Events;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Registration;

/// <summary>
/// The backup server's row in <c>pgward.backup_servers</c> on the primary: written by <c>backup register</c>, removed
/// by <c>backup unregister</c>, refreshed by the daemon. The row is all the cluster knows of a backup server: it is
/// not a node, so no vote, no failover candidacy, nothing in <c>pgward.nodes</c>.
/// </summary>
public sealed class BackupServerRegistration(BackupOptions options, DbConnector db, IReporter reporter)
{
    private bool tableChecked;

    /// <summary>The URL of this backup server's HTTPS endpoint (<see cref="Http.BackupEndpoint.UrlOf"/>), recorded so
    /// that nodes find it; null when it serves none.</summary>
    public string? Endpoint { get; init; }

    public const string RegisterEvent = "backup_register";
    public const string UnregisterEvent = "backup_unregister";

    /// <param name="host">The host name recorded for this backup server.</param>
    /// <param name="force">Replace a registration of the same name made by another host or directory.</param>
    public async Task<Outcome> RegisterAsync(string host, bool force, EventRecorder events, CancellationToken ct)
    {
        var (connection, problem) = await MetadataPrimary.ConnectAsync(options.Conninfo, db, ct);
        if (connection is null)
        {
            return Unreachable(problem!);
        }
        await using (connection)
        {
            var store = new BackupServerStore(connection);
            await store.CreateTableAsync(ct);
            if (await store.GetAsync(options.Name, ct) is { } existing && !force
                && (existing.Host != host || existing.BackupDirectory != options.BackupDirectory))
            {
                return Outcome.Fail(ExitCodes.BadConfig,
                    $"a backup server named \"{options.Name}\" is already registered, for {existing.BackupDirectory} on host {existing.Host}",
                    hint: "give this one another name ([backup] name in pgward.conf), or replace the registration with --force");
            }
            var (lastId, lastTime) = LastBackup();
            await store.RegisterAsync(new BackupServerRecord(options.Name, host, options.BackupDirectory, options.SlotName,
                options.ConfigFile, default, default, lastId, lastTime, Endpoint), ct);
            var details = $"backup server \"{options.Name}\" registered: {options.BackupDirectory} on host {host}, slot \"{options.SlotName}\""
                + (Endpoint is { } url ? $", endpoint {url}" : ", no endpoint (set agent_token in its pgward.conf for nodes to fetch WAL and backups from it)");
            await events.RecordAsync(new MetadataStore(connection), new ClusterEvent(0, options.Name, RegisterEvent, true, details), ct);
            reporter.Notice(details);
            return Outcome.Ok;
        }
    }

    /// <param name="name">The backup server to remove (default: this one, <c>[backup] name</c>): another one's name
    /// removes a backup server that is gone.</param>
    public async Task<Outcome> UnregisterAsync(string? name, EventRecorder events, CancellationToken ct)
    {
        var target = name ?? options.Name;
        var (connection, problem) = await MetadataPrimary.ConnectAsync(options.Conninfo, db, ct);
        if (connection is null)
        {
            return Unreachable(problem!);
        }
        await using (connection)
        {
            var store = new BackupServerStore(connection);
            if (!await store.TableExistsAsync(ct) || !await store.DeleteAsync(target, ct))
            {
                return Outcome.Fail(ExitCodes.BadConfig, $"no backup server named \"{target}\" is registered",
                    hint: "\"pgward cluster show\" on a node lists the registered backup servers");
            }
            var details = $"backup server \"{target}\" unregistered";
            await events.RecordAsync(new MetadataStore(connection), new ClusterEvent(0, target, UnregisterEvent, true, details), ct);
            reporter.Notice(details);
            return Outcome.Ok;
        }
    }

    /// <summary>
    /// The daemon's refresh: last seen now, and the newest backup. Null when it worked; otherwise why not (not
    /// registered, primary unreachable), for the caller to report once.
    /// </summary>
    public async Task<string?> RefreshAsync(CancellationToken ct)
    {
        var (connection, problem) = await MetadataPrimary.ConnectAsync(options.Conninfo, db, ct);
        if (connection is null)
        {
            return problem;
        }
        await using (connection)
        {
            var store = new BackupServerStore(connection);
            var (lastId, lastTime) = LastBackup();
            if (!await store.TableExistsAsync(ct))
            {
                return NotRegistered;
            }
            if (!tableChecked)
            {
                // A table an older pgward made lacks the endpoint column: add it once per daemon.
                await store.CreateTableAsync(ct);
                tableChecked = true;
            }
            return await store.TouchAsync(options.Name, lastId, lastTime, Endpoint, ct)
                ? null
                : NotRegistered;
        }
    }

    private string NotRegistered => $"backup server \"{options.Name}\" is not registered in the cluster metadata (pgward backup register)";

    private (string? Id, DateTimeOffset? Time) LastBackup() =>
        new BackupCatalog(options.Layout).Find("latest") is { } latest ? (latest.Id, latest.EndTime) : (null, null);

    private static Outcome Unreachable(string problem) =>
        Outcome.Fail(ExitCodes.DbConnection, problem, hint: "check [backup] conninfo in pgward.conf and that the cluster's primary is running");
}
