using System.Globalization;
using Npgsql;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// A standby that applies WAL late on purpose (<c>recovery_min_apply_delay</c> above zero; docs/failover.md, "Delayed
/// standbys"). Its startup process holds each commit back for the delay and starts a WAL receiver only once it has
/// replayed all the WAL it holds, so after a follow it streams from its new upstream (and crosses onto the new
/// timeline) only that much later; and promoted, it stops delaying and first replays everything it holds back.
/// </summary>
public static class DelayedStandby
{
    /// <summary>The server's <c>recovery_min_apply_delay</c> ("1h") when it is a standby with one above zero, else null.</summary>
    public static async Task<string?> DelayAsync(NpgsqlConnection local, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {ApplyDelaySql.Setting}", local);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Before an operator promotes the local standby, which the agents never choose: a warning with the backlog,
    /// not a refusal (an operator may mean it), and a promotion still waits <c>promote_check_timeout</c>.</summary>
    public static async Task WarnAsync(OperationContext ctx, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } local)
        {
            return; // the promotion itself says why it cannot connect
        }
        await using (local)
        {
            await using var cmd = new NpgsqlCommand($"""
                SELECT {ApplyDelaySql.Setting}, pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint
                WHERE {ApplyDelaySql.IsDelayed}
                """, local);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct))
            {
                return;
            }
            var backlog = r.IsDBNull(1) ? 0 : Math.Max(0, r.GetInt64(1));
            ctx.Reporter.Warning(string.Create(CultureInfo.InvariantCulture,
                $"{ctx.LocalNode} applies WAL late on purpose (recovery_min_apply_delay = {r.GetString(0)}): promoted, it first replays "
                + $"the {backlog / 1048576.0:0.#} MiB of WAL it holds back, changes made within the delay included, and the promotion waits "
                + $"promote_check_timeout ({ctx.Options.PromoteCheckTimeout.TotalSeconds:0} s) for it to take writes"));
        }
    }
}
