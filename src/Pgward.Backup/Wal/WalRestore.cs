using Pgward.Cluster;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary><c>backup wal-restore WALFILE DESTPATH</c>: PostgreSQL's <c>restore_command</c> (<c>%f %p</c>) on the archive.</summary>
public sealed class WalRestore(BackupContext ctx)
{
    public async Task<Outcome> RunAsync(string walFileName, string destinationPath, CancellationToken ct)
    {
        var segmentSize = ClusterIdentity.Read(ctx.Layout)?.WalSegmentSize ?? WalSegment.DefaultSize;
        if (!WalFileName.TryParse(walFileName, segmentSize, out _))
        {
            return Outcome.Fail(WalRestoreExitCodes.Missing, $"\"{walFileName}\" is not the name of a WAL segment or timeline history file");
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(destinationPath));
        if (directory is null || !Directory.Exists(directory))
        {
            return Outcome.Fail(WalRestoreExitCodes.Failed, $"destination directory of \"{destinationPath}\" does not exist");
        }
        try
        {
            var outcome = await new WalArchive(ctx.Layout, segmentSize).RestoreDetailedAsync(walFileName, destinationPath, ct);
            switch (outcome.Result)
            {
                case WalRestoreResult.Restored:
                    ctx.Reporter.Info($"restored {walFileName} to \"{destinationPath}\"");
                    return Outcome.Ok;
                case WalRestoreResult.Missing:
                    // Asked all the time at the end of recovery and for history probes: not worth a line in the server log.
                    return new Outcome(WalRestoreExitCodes.Missing);
                default:
                    return Outcome.Fail(WalRestoreExitCodes.Damaged, $"cannot restore WAL file {walFileName}: {outcome.Problem}",
                        hint: "recovery stops here rather than end early; restore the file from another copy or choose an earlier recovery target");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Outcome.Fail(WalRestoreExitCodes.Failed, $"cannot restore WAL file {walFileName}: {e.Message}");
        }
    }
}
