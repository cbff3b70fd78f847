using Npgsql;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Clone;

/// <summary>
/// Which backup server a new standby fetches WAL from when its upstream no longer has it (<c>restore_command =
/// pgward backup wal-fetch</c>, <see cref="Backups.WalFetchCommand"/>): the one <c>--backup-server</c> names, or the only
/// one registered in <c>pgward.backup_servers</c>. None registered: no restore_command, as before there were backup
/// servers. Decided before anything is written, as one of the clone's checks.
/// </summary>
public static class CloneRestoreCommand
{
    public const string CheckName = "backup server";

    /// <summary>The endpoint URL to fetch WAL from (null: none) and the check that reports the choice.</summary>
    public static async Task<(string? Url, CloneCheck Check)> FindAsync(NpgsqlConnection upstream, string? name, CancellationToken ct)
    {
        var store = new BackupServerStore(upstream);
        var servers = await store.TableExistsAsync(ct) ? (await store.GetAllAsync(ct)).Servers : [];
        return Choose(servers, name);
    }

    /// <summary>The choice <see cref="FindAsync"/> makes, pure.</summary>
    public static (string? Url, CloneCheck Check) Choose(IReadOnlyList<BackupServerRecord> servers, string? name)
    {
        if (name is null && servers.Count == 0)
        {
            return (null, CloneCheck.Pass(CheckName, "none registered: no restore_command (the standby can only stream from its upstream)"));
        }
        var named = name is null ? servers : [.. servers.Where(s => s.Name == name)];
        if (named.Count == 0)
        {
            return (null, CloneCheck.Fail(CheckName, $"no backup server named \"{name}\" is registered (registered: "
                + $"{string.Join(", ", servers.Select(s => s.Name).DefaultIfEmpty("none"))})"));
        }
        if (named.Count > 1)
        {
            return (null, CloneCheck.Fail(CheckName, $"{named.Count} backup servers are registered ({string.Join(", ", named.Select(s => s.Name))}): "
                + "name the one to fetch WAL from with --backup-server"));
        }
        var server = named[0];
        if (server.Endpoint is not { Length: > 0 } url)
        {
            // Not a reason to refuse the clone: the standby streams as it did before backup servers had an endpoint.
            return (null, CloneCheck.Pass(CheckName, $"\"{server.Name}\" serves no endpoint: no restore_command (set agent_token and "
                + "agent_port in its pgward.conf, restart its daemon and run pgward backup register there to serve one)"));
        }
        return (url, CloneCheck.Pass(CheckName, $"restore_command will fetch WAL from backup server \"{server.Name}\" at {url}"));
    }
}
