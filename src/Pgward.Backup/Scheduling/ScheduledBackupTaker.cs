using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Cluster.Events;
using Pgward.Core.Config;
using Pgward.Core.Events;
using Pgward.Core.Processes;

namespace Pgward.Backup.Scheduling;

/// <summary>One scheduled run as <c>backup create</c> takes it (<see cref="BaseBackupCreator"/>), in the daemon's process:
/// from the primary, without waiting for its WAL (the upkeep makes it DONE when the WAL is archived).</summary>
public sealed class ScheduledBackupTaker(BackupContext ctx)
{
    public async Task<Outcome> TakeAsync(ScheduledRun run, CancellationToken ct)
    {
        // Read again for every run, as backup create would read it: pg_bindir may have changed since the daemon started.
        var options = BackupServerNodeOptions.From(ConfigLoader.LoadFile(ctx.Options.ConfigFile));
        var events = new EventRecorder(
            new EventNotifier(options.EventNotificationCommand, options.EventNotifications, options.EventNotificationTimeout, ctx.Time), ctx.Reporter, ctx.Time);
        var operation = new OperationContext(options, ctx.Reporter, ctx.Db, new ProcessRunner(ctx.Time), events, ctx.Time);
        var server = new BackupServer(operation, BackupSettings.From(ctx.Options), new WalArchive(ctx.Layout));
        var request = new BaseBackupRequest(Wait: false, Name: null, FromNode: null) 
        {
            Incremental = run.Kind switch { ScheduledBackupKind.Full => false, ScheduledBackupKind.Incremental => true, _ => null },
        };
        var (_, outcome) = await new BaseBackupCreator(server).RunAsync(request, ct);
        return outcome;
    }
}
