using Npgsql;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary>
/// <c>backup switch-wal</c>: closes the primary's current WAL segment (<c>pg_switch_wal()</c>) so it can be archived,
/// optionally after a CHECKPOINT (so the switch has something to close even on an idle server), and waits for the
/// receiver to archive it.
/// </summary>
public sealed class WalSwitch(BackupContext ctx)
{
    public async Task<Outcome> RunAsync(bool force, bool waitForArchive, TimeSpan archiveTimeout, CancellationToken ct)
    {
        var (primary, problem) = await new PrimaryLocator(ctx.Options.Conninfo, ctx.Layout, ctx.Db).FindAsync(ct);
        if (primary is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"cannot switch WAL: {problem}");
        }
        await using var connection = await ctx.Db.OpenAsync(primary.Conninfo, ct);
        if (force)
        {
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
            await checkpoint.ExecuteNonQueryAsync(ct);
        }
        // pg_switch_wal returns the end of the switch record: the segment it names is the one just closed. When nothing
        // was written since the last switch there is nothing to close and it returns the start of the current segment.
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_walfile_name(pg_switch_wal())", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var closed = reader.GetString(0);
        ctx.Reporter.Notice($"the WAL file {closed} has been closed on {primary.Name}");
        if (!waitForArchive)
        {
            return Outcome.Ok;
        }

        var archive = new WalArchive(ctx.Layout, ClusterIdentity.Read(ctx.Layout)?.WalSegmentSize ?? WalSegment.DefaultSize);
        ctx.Reporter.Info($"waiting up to {archiveTimeout.TotalSeconds:0} s for {closed} to be archived");
        if (!await Waiting.UntilAsync(_ => Task.FromResult(archive.Contains(closed)), archiveTimeout, TimeSpan.FromMilliseconds(100), ctx.Time, ct))
        {
            return Outcome.Fail(ExitCodes.SystemFailure, $"the WAL file {closed} was not archived within {archiveTimeout.TotalSeconds:0} s",
                hint: new ReceiverPidFile(ctx.Layout).RunningPid() is null
                    ? "no WAL receiver is running: start \"pgward backup receive-wal\" (or the daemon)"
                    : "check the WAL receiver's log; it may be disconnected from the primary");
        }
        ctx.Reporter.Notice($"the WAL file {closed} has been archived");
        return Outcome.Ok;
    }
}
