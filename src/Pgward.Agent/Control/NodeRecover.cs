using System.Buffers.Binary;
using System.Globalization;
using Pgward.Backup.Recovery;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Backups;
using Pgward.Cluster.Clone;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Agent.Control;

/// <summary>
/// The agent's side of <c>pgward backup recover BACKUP --node THIS</c>: with the server stopped, pulls the backup from
/// the backup server's endpoint into the data directory (<see cref="BackupPuller"/>; with delta, only what differs),
/// then writes the recovery settings as <c>backup recover</c> does, with the node's own restore_command
/// (<c>backup wal-fetch</c> from that endpoint: <c>wal-restore</c> works only on the backup server) and the port
/// the node's conninfo names (the backup's configuration carries the port of the server it was taken from).
/// </summary>
public sealed class NodeRecover(OperationContext ctx, LocalServer server)
{
    public async Task<(Outcome Outcome, RestorePullResult? Pulled)> RunAsync(RecoverBody body, CancellationToken ct)
    {
        var (target, invalid) = RecoveryTarget.From(body.TargetTime, body.TargetXid, body.TargetName, body.TargetLsn, body.TargetImmediate);
        if (target is null)
        {
            return (Outcome.Fail(ExitCodes.BadConfig, invalid!), null);
        }
        if (body.TargetAction is not null && target.Kind == RecoveryTargetKind.EndOfWal)
        {
            return (Outcome.Fail(ExitCodes.BadConfig, "--target-action needs a recovery target"), null);
        }
        var directory = server.DataDirectory;
        if (server.RunningPid() is { } pid)
        {
            return (Outcome.Fail(ExitCodes.BadConfig,
                $"PostgreSQL runs in {directory} (postmaster PID {pid}): a backup is restored only into a stopped data directory; nothing was written",
                hint: $"stop the node first (pgward node service --action stop on node {ctx.Options.NodeName}, or its agent's /control/stop), then recover again"), null);
        }
        using var client = new BackupEndpointClient(ctx.Options, ctx.Time);
        var puller = new BackupPuller(client, ctx.Reporter.Progress);
        var (manifest, problem) = await puller.GetManifestAsync(body.ServerUrl, body.Backup, ct);
        if (manifest is null)
        {
            return (Outcome.Fail(ExitCodes.AgentUnavailable, $"cannot read backup {body.Backup}: {problem}", detail: "nothing was written"), null);
        }
        if (SystemIdentifier(directory) is { } local && local != manifest.SystemIdentifier)
        {
            return (Outcome.Fail(ExitCodes.BadConfig,
                $"{directory} belongs to the cluster with system identifier {local}, backup {manifest.Id} to {manifest.SystemIdentifier}; nothing was written",
                hint: "restore a backup of this node's cluster, or empty the data directory first if it is to join another cluster"), null);
        }
        RestorePullResult pulled;
        try
        {
            pulled = await puller.PullAsync(body.ServerUrl, manifest, directory, body.Delta, ct);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return (Outcome.Fail(ExitCodes.LocalCommand, $"restoring backup {manifest.Id} into {directory} failed: {e.Message}",
                hint: $"the data directory is incomplete (it has no {RestorePlan.ControlFile}, so PostgreSQL will not start it): recover again"), null);
        }
        var request = new RecoveryRequest(manifest.Id, directory, target, body.TargetTimeline, body.TargetAction, body.Exclusive,
            WalFetchCommand.Render(PgwardExecutable.Resolve(Environment.GetEnvironmentVariable), ctx.Options.ConfigFile ?? "/etc/pgward.conf", body.ServerUrl));
        await RecoveryFiles.WriteAsync(directory, manifest.Id, request, ctx.Time.GetUtcNow(), ct);
        await StandbyConfiguration.SetAsync(Path.Combine(directory, RecoveryFiles.AutoConf), new Dictionary<string, string?>
        {
            ["port"] = Conninfo.Parse(ctx.Options.Conninfo).Port.ToString(CultureInfo.InvariantCulture),
        }, ct);
        foreach (var owned in manifest.Tablespaces.Select(t => t.Location).Prepend(directory))
        {
            if (await server.Account.ChownAsync(owned, ct) is { Succeeded: false } chown)
            {
                return (Outcome.Fail(ExitCodes.LocalCommand, $"cannot give {owned} to the server account: {chown.Describe()}"), pulled);
            }
            File.SetUnixFileMode(owned, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        ctx.Reporter.Notice($"backup {manifest.Id} restored into {directory}: {pulled.FetchedBytes} of {pulled.TotalBytes} bytes fetched "
            + $"({pulled.WireBytes} over the network), {pulled.FilesKept} files kept, {pulled.Removed} entries removed");
        return (Outcome.Ok, pulled);
    }

    /// <summary>The system identifier in the data directory's control file (its first 8 bytes), or null without one.</summary>
    private static string? SystemIdentifier(string directory)
    {
        var control = Path.Combine(directory, RestorePlan.ControlFile);
        if (!File.Exists(control))
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[8];
        using var file = File.OpenRead(control);
        return file.Read(bytes) == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes).ToString(CultureInfo.InvariantCulture) : null;
    }
}
