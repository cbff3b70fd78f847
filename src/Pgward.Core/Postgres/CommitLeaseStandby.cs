using Npgsql;

namespace Pgward.Core.Postgres;

/// <summary>
/// The agent's commit lease as PostgreSQL sees it (<c>commit_lease</c>, async mode): a replication connection with
/// this application_name, named alone in the primary's <c>synchronous_standby_names</c>. It is no standby: tools that
/// list a server's standbys leave it out.
/// </summary>
public static class CommitLeaseStandby
{
    public const string Name = "pgward_lease";

    /// <summary>A SQL condition on <c>pg_stat_replication.application_name</c> that leaves the lease out.</summary>
    public const string NotLeaseSql = "application_name IS DISTINCT FROM '" + Name + "'";

    /// <summary>
    /// Resets <c>synchronous_standby_names</c> when it names only the lease, before a server is promoted: its commits
    /// would otherwise wait for a lease connection that only an agent that leads the cluster opens (a manual promotion
    /// may have none). The agent names the lease again once it holds it. Returns whether it changed anything.
    /// </summary>
    public static async Task<bool> ClearAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using (var show = new NpgsqlCommand("SELECT current_setting('synchronous_standby_names')", connection))
        {
            if ((string?)await show.ExecuteScalarAsync(ct) != Name)
            {
                return false;
            }
        }
        await using (var reset = new NpgsqlCommand("ALTER SYSTEM RESET synchronous_standby_names", connection))
        {
            await reset.ExecuteNonQueryAsync(ct);
        }
        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await reload.ExecuteNonQueryAsync(ct);
        return true;
    }
}
