using System.CommandLine;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Processes;

namespace Pgward.Cli.Commands;

/// <summary><c>backup receive-wal</c>, <c>backup switch-wal</c> and <c>backup wal-restore</c>: the backup server's WAL archive;
/// <c>backup wal-fetch</c>: a node's restore_command on that archive, across the network.</summary>
public static class BackupWalCommands
{
    public static void AddTo(Command backup, CommandRunner runner)
    {
        backup.Add(ReceiveWal(runner));
        backup.Add(SwitchWal(runner));
        backup.Add(WalRestore(runner));
        backup.Add(WalFetch(runner));
    }

    private static Command ReceiveWal(CommandRunner runner)
    {
        var createSlot = new Option<bool>("--create-slot") { Description = "create the replication slot on the primary (if missing) and exit" };
        var reset = new Option<bool>("--reset") { Description = "restart at the primary's current position after a gap (WAL in between is not archived) and exit" };
        var stop = new Option<bool>("--stop") { Description = "stop the running WAL receiver and exit" };
        var command = new Command("receive-wal", "stream the cluster's WAL into the archive until stopped (Ctrl-C, SIGTERM or --stop)")
        {
            createSlot, reset, stop,
        };
        command.SetAction((parse, ct) =>
        {
            var chosen = new[] { parse.GetValue(createSlot), parse.GetValue(reset), parse.GetValue(stop) }.Count(x => x);
            if (chosen > 1)
            {
                runner.Environment.Error.WriteLine("ERROR: --create-slot, --reset and --stop cannot be combined");
                return Task.FromResult(ExitCodes.BadConfig);
            }
            return BackupCommandGroup.RunAsync(runner, parse, (ctx, token) =>
                parse.GetValue(createSlot) ? new ReceiverControl(ctx).CreateSlotAsync(token)
                : parse.GetValue(reset) ? new ReceiverControl(ctx).ResetAsync(token)
                : parse.GetValue(stop) ? new ReceiverControl(ctx).StopAsync(pid => Signals.Send(pid, Signals.SigTerm), token)
                : ReceiveAsync(ctx, token), ct);
        });
        return command;
    }

    // Ctrl-C or SIGTERM is how a foreground receiver is stopped: an orderly end (the .partial is fsynced), exit 0.
    private static async Task<Outcome> ReceiveAsync(Backup.BackupContext ctx, CancellationToken ct)
    {
        try
        {
            return await new WalStreamer(ctx.Options, ctx.Db, ctx.Reporter, ctx.Time).RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Outcome.Ok;
        }
    }

    private static Command SwitchWal(CommandRunner runner)
    {
        var force = new Option<bool>("--force") { Description = "run a CHECKPOINT first, so that there is a segment to close on an idle server" };
        var archive = new Option<bool>("--archive") { Description = "wait until the closed segment is archived" };
        var timeout = NumberOptions.WholeNumber("--archive-timeout", "seconds --archive waits (default 30)", defaultValue: 30, min: 1, max: 86400, unit: "seconds");
        var command = new Command("switch-wal", "close the primary's current WAL segment (pg_switch_wal)") { force, archive, timeout };
        command.SetAction((parse, ct) => BackupCommandGroup.RunAsync(runner, parse, (ctx, token) => new WalSwitch(ctx).RunAsync(
            parse.GetValue(force), parse.GetValue(archive), TimeSpan.FromSeconds(parse.GetValue(timeout)), token), ct));
        return command;
    }

    private static Command WalRestore(CommandRunner runner)
    {
        var walFile = new Argument<string>("WALFILE") { Description = "the WAL file PostgreSQL asks for (%f)" };
        var destination = new Argument<string>("DESTPATH") { Description = "where to write it (%p, relative to the data directory)" };
        var command = new Command("wal-restore",
            "restore_command = 'pgward backup wal-restore %f %p': exit 1 when the file is not archived, "
            + $"{WalRestoreExitCodes.Damaged} when it is damaged (recovery then stops instead of ending early)")
        {
            walFile, destination,
        };
        command.SetAction((parse, ct) => BackupCommandGroup.RunAsync(runner, parse, (ctx, token) =>
        {
            var path = Path.Combine(runner.Environment.CurrentDirectory, parse.GetValue(destination)!);
            return new Backup.Wal.WalRestore(ctx).RunAsync(parse.GetValue(walFile)!, path, token);
        }, ct, configErrorExitCode: WalRestoreExitCodes.Failed));
        return command;
    }

    private static Command WalFetch(CommandRunner runner)
    {
        var server = new Option<string>("--server")
        {
            Description = "the backup server's endpoint URL (pgward.backup_servers.endpoint, e.g. https://backup1:8008)",
            Required = true,
        };
        var walFile = new Argument<string>("WALFILE") { Description = "the WAL file PostgreSQL asks for (%f)" };
        var destination = new Argument<string>("DESTPATH") { Description = "where to write it (%p, relative to the data directory)" };
        var command = new Command("wal-fetch",
            "on a node, restore_command = 'pgward backup wal-fetch --server URL %f %p' (set by standby clone): fetch a WAL file "
            + $"from the backup server; exit 1 when it is not archived, {WalRestoreExitCodes.Damaged} when it is damaged, and when the "
            + $"backup server cannot be asked, 1 on a standby (it keeps streaming), {WalRestoreExitCodes.Failed} in archive recovery "
            + "(which stops rather than end early)")
        {
            server, walFile, destination,
        };
        command.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) =>
        {
            var path = Path.Combine(runner.Environment.CurrentDirectory, parse.GetValue(destination)!);
            return new Backup.Wal.WalFetch(ctx.Options, ctx.Reporter, ctx.Time)
                .RunAsync(parse.GetValue(server)!, parse.GetValue(walFile)!, path, runner.Environment.CurrentDirectory, token);
        }, ct, configErrorExitCode: WalRestoreExitCodes.Failed));
        return command;
    }
}
