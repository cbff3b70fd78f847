using System.Globalization;
using Pgward.IntegrationTests.Cluster;

namespace Pgward.IntegrationTests.Network;

/// <summary>
/// A table of about 4 MiB beside the workload's, for the runs whose backup server takes incremental files backups: the
/// workload's table stays under the 1 MiB from which a changed file is sent as its changed blocks, so without it no
/// incremental would store a block patch or plan its reads from the receiver's WAL summaries. A few of its rows are
/// updated before each backup; what the restored servers hold of it must then be what the final primary holds, as for
/// the workload's rows.
/// </summary>
public static class BackupBallast
{
    private const int Rows = 40_000;

    /// <summary>How long an update may wait (a synchronous commit on a primary that lost its standbys).</summary>
    private static readonly TimeSpan TouchLimit = TimeSpan.FromSeconds(10);

    /// <summary>Creates and fills the table, then freezes it: otherwise the first scan after the first backup sets every
    /// page's hint bits, which with data checksums logs an image of every page, and the next incremental takes the whole
    /// file again (more than half its pages changed) instead of a patch.</summary>
    public static async Task CreateAsync(string connectionString, CancellationToken ct)
    {
        await Sql.ExecuteAsync(connectionString,
            $"CREATE TABLE backup_ballast (id int PRIMARY KEY, touched int NOT NULL DEFAULT 0, pad text NOT NULL);"
            + $"INSERT INTO backup_ballast (id, pad) SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, {Rows}) g", ct);
        await Sql.ExecuteAsync(connectionString, "VACUUM (FREEZE, ANALYZE) backup_ballast", ct);
    }

    /// <summary>Updates a few dozen rows spread over the table (which ones from <paramref name="round"/>); says what it
    /// did, for the run's log. Best effort: the primary may be dying.</summary>
    public static async Task<string> TouchAsync(string connectionString, int round, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TouchLimit);
        try
        {
            await Sql.ExecuteAsync(connectionString, string.Create(CultureInfo.InvariantCulture,
                $"UPDATE backup_ballast SET touched = touched + 1 WHERE id % 997 = {round % 997}"), limit.Token);
            return "ballast rows updated";
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or IOException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return $"ballast not updated: {e.Message}";
        }
    }

    /// <summary>The table's content as one digest, on the server <paramref name="connectionString"/> reaches.</summary>
    public static Task<string> DigestAsync(string connectionString, CancellationToken ct) =>
        Sql.ScalarAsync<string>(connectionString,
            "SELECT count(*) || ' ' || md5(string_agg(id || ':' || touched || ':' || pad, ',' ORDER BY id)) FROM backup_ballast", ct);
}
