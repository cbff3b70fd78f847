using Npgsql;
using Pgward.Core.Metadata;

namespace Pgward.Cluster.Backups;

/// <summary>Where a node finds a backup server's endpoint: its row in <c>pgward.backup_servers</c>.</summary>
public static class BackupEndpoints
{
    /// <summary>The endpoint URL of the backup server called <paramref name="name"/>, or of the only one registered
    /// when no name is given; otherwise why there is none, with the fix.</summary>
    public static async Task<(string? Url, string? Problem)> FindAsync(NpgsqlConnection connection, string? name, CancellationToken ct)
    {
        var store = new BackupServerStore(connection);
        if (!await store.TableExistsAsync(ct))
        {
            return (null, "no backup server is registered in the cluster metadata (on the backup server: pgward backup register)");
        }
        var (servers, _) = await store.GetAllAsync(ct);
        return Choose(servers, name);
    }

    /// <summary>The choice <see cref="FindAsync"/> makes, pure.</summary>
    public static (string? Url, string? Problem) Choose(IReadOnlyList<BackupServerRecord> servers, string? name)
    {
        var named = name is null ? servers : [.. servers.Where(s => s.Name == name)];
        if (named.Count == 0)
        {
            return (null, name is null
                ? "no backup server is registered in the cluster metadata (on the backup server: pgward backup register)"
                : $"no backup server named \"{name}\" is registered (registered: {string.Join(", ", servers.Select(s => s.Name).DefaultIfEmpty("none"))})");
        }
        if (named.Count > 1)
        {
            return (null, $"{named.Count} backup servers are registered ({string.Join(", ", named.Select(s => s.Name))}): name one with --backup-server");
        }
        return named[0].Endpoint is { Length: > 0 } url
            ? (url, null)
            : (null, $"backup server \"{named[0].Name}\" serves no endpoint: set agent_token (and agent_port, agent_tls_cert_file, "
                + "agent_tls_key_file) in its pgward.conf, restart its daemon and run pgward backup register there again");
    }
}
