using Pgward.Backup.Catalog;
using Pgward.Backup.Http;
using Pgward.Backup.Registration;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Recovery;

/// <summary>
/// <c>pgward backup recover BACKUP --node NAME [targets] [--delta]</c> on the backup server: chooses the backup as
/// <c>backup recover</c> does, finds the node's agent in the cluster metadata, and asks it (<c>POST
/// /control/recover</c>, with the token) to pull the backup from this backup server's endpoint into its stopped data
/// directory. The agent runs the restore to its end with its own lifetime, not the request's; this command waits for
/// its answer up to <see cref="AgentTimeout"/> (a restore of 1.5 GB takes seconds to minutes; the agent's log shows
/// its progress).
/// </summary>
public sealed class NodeRecovery(BackupServer server)
{
    /// <summary>How long the command waits for the agent's answer: 12 h.</summary>
    public static readonly TimeSpan AgentTimeout = TimeSpan.FromHours(12);

    private OperationContext Ctx => server.Context;

    /// <param name="body">The targets and delta as given; the server URL and the backup id are filled in here.</param>
    public async Task<Outcome> RunAsync(string backupReference, string nodeName, RecoveryTarget target, RecoverBody body, CancellationToken ct)
    {
        if (BackupEndpoint.UrlOf(Ctx.Options) is not { } url)
        {
            return Outcome.Fail(ExitCodes.BadConfig, "this backup server serves no endpoint, so no node can pull a backup from it",
                hint: "set agent_token (with agent_port, agent_tls_cert_file and agent_tls_key_file) in its pgward.conf and restart its daemon");
        }
        var backups = await new BackupWalCompletion(server.Catalog, server.Archive).RefreshAsync(ct);
        var (backup, refused) = RecoveryPlan.Choose(backups, backupReference, target);
        if (backup is null)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"cannot recover: {refused}", hint: "see the backups with: pgward backup list");
        }
        var (agentUrl, problem) = await FindAgentAsync(nodeName, ct);
        if (agentUrl is null)
        {
            return Outcome.Fail(ExitCodes.BadConfig, problem!, detail: "nothing was written");
        }
        Ctx.Reporter.Notice($"asking the agent of node {nodeName} at {agentUrl} to restore backup {backup.Id} (ended {backup.EndTime:yyyy-MM-dd HH:mm:ss}+00, "
            + $"LSN {backup.EndLsn}){(body.Delta ? " with delta" : "")}, pulling from {url}");
        using var agents = new AgentClient(Ctx.Options, Ctx.Time);
        var reply = await agents.PostControlAsync(agentUrl, "recover", body with { ServerUrl = url, Backup = backup.Id },
            AgentJson.Context.RecoverBody, ct, AgentTimeout);
        if (reply.Body is not { } answer)
        {
            return Outcome.Fail(ExitCodes.AgentUnavailable, $"the agent of node {nodeName} at {agentUrl}: {reply.Error}",
                hint: reply.Reachable ? null : $"is its agent running (pgward daemon run on {nodeName})?");
        }
        if (!answer.Ok)
        {
            return Outcome.Fail(answer.ExitCode == 0 ? ExitCodes.LocalCommand : answer.ExitCode, $"node {nodeName} refused or failed: {answer.Error}", hint: answer.Hint);
        }
        if (answer.Restored is { } pulled)
        {
            Ctx.Reporter.Notice($"node {nodeName}: {ByteSize.Format(pulled.FetchedBytes)} of {ByteSize.Format(pulled.TotalBytes)} written "
                + $"({ByteSize.Format(pulled.WireBytes)} sent), {pulled.FilesFetched} files fetched, {pulled.FilesKept} kept, {pulled.Removed} entries removed");
        }
        Ctx.Reporter.Notice($"node {nodeName} will recover to {target} when started, fetching WAL from {url}");
        if (backup.SourceFiles.NotRestored(backup.SourceNode) is { } notRestored)
        {
            Ctx.Reporter.Warning($"{notRestored}: node {nodeName} needs its own (its config_directory in pgward.conf, as on Debian)");
        }
        Ctx.Reporter.Hint($"start it (pgward node service --action start on {nodeName}); to make it a standby again once it has "
            + "recovered (with --target-immediate, recovery pauses there), stop it and run pgward node rejoin -d '<primary conninfo>' there");
        return Outcome.Ok;
    }

    private async Task<(string? Url, string? Problem)> FindAgentAsync(string nodeName, CancellationToken ct)
    {
        var (connection, problem) = await MetadataPrimary.ConnectAsync(server.Settings.Conninfo, Ctx.Db, ct);
        if (connection is null)
        {
            return (null, problem);
        }
        await using var _ = connection;
        var nodes = await new MetadataStore(connection).GetNodesAsync(ct);
        if (nodes.FirstOrDefault(n => n.NodeName == nodeName) is not { } node)
        {
            return (null, $"no node named \"{nodeName}\" is registered (registered: {string.Join(", ", nodes.Select(n => n.NodeName).DefaultIfEmpty("none"))})");
        }
        return node.AgentUrl is { Length: > 0 } agentUrl
            ? (agentUrl, null)
            : (null, $"node {nodeName} has no agent recorded in the metadata: a backup is restored onto a node by its agent"
                + "; start it there (pgward daemon run) with agent_token set, or restore locally with pgward backup recover ID DEST and copy the directory");
    }
}
