using Npgsql;
using Pgward.Cluster.Backups;
using Pgward.Core;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Clone;

/// <summary>
/// The copy step of <c>standby clone --from-backup</c>: pulls the newest DONE backup from the backup server's endpoint
/// (found in the upstream's metadata) into the data directory with <see cref="BackupPuller"/>, after checking that it
/// is a backup of the upstream's cluster (same system identifier). The standby then replays the archive through
/// <c>backup wal-fetch</c> (its restore_command, written here) and streams from its upstream once it has caught up:
/// the upstream sends only the WAL since the archive's end, not a full copy. A backup on an older timeline is fine:
/// recovery_target_timeline is <c>latest</c>, and the archive keeps the timeline history files.
/// </summary>
public sealed class BackupClone(OperationContext ctx)
{
    /// <summary>Returns the endpoint URL the restore_command fetches from, or the refusal (nothing written then).</summary>
    public async Task<(string? Url, Outcome Outcome)> PullAsync(NpgsqlConnection upstream, ulong upstreamSystemId, CloneFromBackup from,
        string dataDirectory, CancellationToken ct)
    {
        var (url, problem) = await BackupEndpoints.FindAsync(upstream, from.BackupServer, ct);
        if (url is null)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"cannot clone from a backup: {problem}", detail: "nothing was written"));
        }
        using var client = new BackupEndpointClient(ctx.Options, ctx.Time);
        var status = await client.GetStatusAsync(url, ct);
        if (status.Body is not { } endpoint)
        {
            return (null, Outcome.Fail(ExitCodes.AgentUnavailable, $"cannot clone from a backup: {status.Error}", detail: "nothing was written"));
        }
        if (endpoint.NewestBackup is not { } newest)
        {
            return (null, Outcome.Fail(ExitCodes.BadBaseBackup, $"backup server {endpoint.Name} has no DONE backup yet", detail: "nothing was written",
                hint: "take one there (pgward backup create), or clone from the upstream without --from-backup"));
        }
        var puller = new BackupPuller(client, ctx.Reporter.Progress);
        var (manifest, refused) = await puller.GetManifestAsync(url, newest, ct);
        if (manifest is null)
        {
            return (null, Outcome.Fail(ExitCodes.AgentUnavailable, $"cannot read backup {newest}: {refused}", detail: "nothing was written"));
        }
        var expected = upstreamSystemId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (manifest.SystemIdentifier != expected)
        {
            return (null, Outcome.Fail(ExitCodes.BadBaseBackup,
                $"backup {manifest.Id} of backup server {endpoint.Name} is of the cluster with system identifier {manifest.SystemIdentifier}, "
                + $"the upstream's is {expected}", detail: "nothing was written",
                hint: "name the backup server of this cluster with --backup-server, or clone without --from-backup"));
        }
        ctx.Reporter.Notice($"restoring backup {manifest.Id} (LSN {manifest.EndLsn}, timeline {manifest.Timeline}) of backup server {endpoint.Name} into \"{dataDirectory}\"");
        var pulled = await puller.PullAsync(url, manifest, dataDirectory, delta: false, ct);
        ctx.Reporter.Notice($"{pulled.FetchedBytes} bytes restored ({pulled.WireBytes} received from {url})");
        await StandbyConfiguration.SetAsync(Path.Combine(dataDirectory, StandbyConfiguration.AutoConfFile), new Dictionary<string, string?>
        {
            ["restore_command"] = WalFetchCommand.Render(from.Executable, ctx.Options.ConfigFile ?? "/etc/pgward.conf", url),
            ["recovery_target_timeline"] = "latest",
        }, ct);
        return (url, Outcome.Ok);
    }
}
