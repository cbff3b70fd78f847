using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Core.Reporting;

namespace Pgward.Backup;

/// <summary>
/// <c>pgward daemon run</c> on a backup server (a pgward.conf with a <c>[backup]</c> section and no node of its own):
/// streams WAL continuously through the slot, following the cluster through failovers. When the receiver stops on a
/// problem an operator must fix (another cluster, a conflicting segment, WAL the server removed), the daemon says so
/// and tries again every <see cref="RetryInterval"/>, so that the fix is picked up without a restart.
/// </summary>
public static class BackupDaemon
{
    /// <summary>How long the daemon waits before starting a receiver that stopped on an error: 30 s.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    public static async Task<Outcome> RunAsync(BackupContext ctx, CancellationToken ct)
    {
        ctx.Reporter.Notice($"backup server daemon: streaming WAL into {ctx.Layout.WalDirectory}");
        while (!ct.IsCancellationRequested)
        {
            var outcome = await new WalStreamer(ctx.Options, ctx.Db, ctx.Reporter, ctx.Time).RunAsync(ct);
            if (ct.IsCancellationRequested)
            {
                break;
            }
            ctx.Reporter.Error($"WAL streaming stopped: {outcome.Error ?? "no error given"}"
                + (outcome.Hint is { } hint ? $" ({hint})" : "") + $"; retrying in {RetryInterval.TotalSeconds:0} s");
            try
            {
                await Task.Delay(RetryInterval, ctx.Time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
        }
        return Outcome.Ok;
    }
}
