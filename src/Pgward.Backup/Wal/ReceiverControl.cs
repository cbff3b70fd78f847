using System.Text;
using Npgsql.Replication;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary>The one-shot forms of <c>backup receive-wal</c>: <c>--create-slot</c>, <c>--reset</c>, <c>--stop</c>.</summary>
public sealed class ReceiverControl(BackupContext ctx)
{
    /// <summary>How long <c>--stop</c> waits for the receiver to exit after SIGTERM.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates the slot on the primary; an existing slot is left as it is.</summary>
    public async Task<Outcome> CreateSlotAsync(CancellationToken ct)
    {
        var (primary, problem) = await new PrimaryLocator(ctx.Options.Conninfo, ctx.Layout, ctx.Db).FindAsync(ct);
        if (primary is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"cannot create the replication slot: {problem}");
        }
        await using var connection = new PhysicalReplicationConnection(Conninfo.Parse(primary.Conninfo).ToNpgsqlConnectionString());
        await connection.Open(ct);
        if (await connection.ReadReplicationSlot(ctx.Options.SlotName, ct) is not null)
        {
            ctx.Reporter.Notice($"replication slot \"{ctx.Options.SlotName}\" already exists on {primary.Name}");
            return Outcome.Ok;
        }
        await connection.CreateReplicationSlot(ctx.Options.SlotName, isTemporary: false, reserveWal: true, ct);
        ctx.Reporter.Notice($"created replication slot \"{ctx.Options.SlotName}\" on {primary.Name}");
        return Outcome.Ok;
    }

    /// <summary>
    /// Moves the receiver's start to the primary's current position, after a gap the server can no longer fill.
    /// The unfinished segment is kept in errors/; WAL between the archive's end and the new start is lost to PITR.
    /// </summary>
    public async Task<Outcome> ResetAsync(CancellationToken ct)
    {
        if (new ReceiverPidFile(ctx.Layout).RunningPid() is { } pid)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"a WAL receiver is running (PID {pid}); its position cannot be reset under it",
                hint: "stop it first with \"pgward backup receive-wal --stop\"");
        }
        var (primary, problem) = await new PrimaryLocator(ctx.Options.Conninfo, ctx.Layout, ctx.Db).FindAsync(ct);
        if (primary is null)
        {
            return Outcome.Fail(ExitCodes.DbConnection, $"cannot reset the receiver's position: {problem}");
        }
        await using var connection = new PhysicalReplicationConnection(Conninfo.Parse(primary.Conninfo).ToNpgsqlConnectionString());
        await connection.Open(ct);
        var system = await connection.IdentifySystem(ct);
        var position = new StreamPosition(system.Timeline, new Lsn((ulong)system.XLogPos));
        foreach (var partial in Directory.Exists(ctx.Layout.StreamingDirectory) ? Directory.GetFiles(ctx.Layout.StreamingDirectory, "*.partial") : [])
        {
            BackupFileModes.CreateDirectory(ctx.Layout.ErrorsDirectory);
            File.Move(partial, Path.Combine(ctx.Layout.ErrorsDirectory, Path.GetFileName(partial)), overwrite: true);
        }
        await DurableFile.WriteAsync(ctx.Layout.ResetFile, Encoding.ASCII.GetBytes(position.ToFileText()), ct);
        ctx.Reporter.Notice($"the WAL receiver will restart at {position} (the primary's current position)");
        ctx.Reporter.Warning("WAL between the end of the archive and that position is not archived: take a new base backup");
        return Outcome.Ok;
    }

    /// <summary>Asks the running receiver to stop (SIGTERM) and waits until it has.</summary>
    public async Task<Outcome> StopAsync(Func<int, bool> sendTerm, CancellationToken ct)
    {
        var pidFile = new ReceiverPidFile(ctx.Layout);
        if (pidFile.RunningPid() is not { } pid)
        {
            ctx.Reporter.Notice($"no WAL receiver is running for \"{ctx.Layout.Root}\"");
            return Outcome.Ok;
        }
        if (!sendTerm(pid))
        {
            return Outcome.Fail(ExitCodes.SystemFailure, $"cannot signal the WAL receiver (PID {pid})");
        }
        var stopped = await Waiting.UntilAsync(_ => Task.FromResult(!PostmasterPid.ProcessAlive(pid)),
            StopTimeout, TimeSpan.FromMilliseconds(100), ctx.Time, ct);
        if (!stopped)
        {
            return Outcome.Fail(ExitCodes.SystemFailure, $"the WAL receiver (PID {pid}) did not stop within {StopTimeout.TotalSeconds:0} s");
        }
        ctx.Reporter.Notice($"WAL receiver (PID {pid}) stopped");
        return Outcome.Ok;
    }
}
