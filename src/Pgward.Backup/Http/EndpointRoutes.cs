using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Http;

/// <summary>
/// The routes every backup server's endpoint has: <c>GET /status</c> (which backup server, which cluster) and
/// <c>GET /backups</c> (the catalog, newest first). Each takes the token (<see cref="EndpointAuth"/>).
/// </summary>
public static class EndpointRoutes
{
    public static void Map(WebApplication app, BackupContext ctx, ILogger logger)
    {
        var token = ctx.Root.AgentToken;
        app.MapGet("/status", (RequestDelegate)(async http =>
        {
            if (!await EndpointAuth.AuthorizeAsync(http, token, logger))
            {
                return;
            }
            var identity = ClusterIdentity.Read(ctx.Layout);
            var newest = new BackupCatalog(ctx.Layout).Find("latest");
            var status = new EndpointStatus(ctx.Options.Name, identity?.SystemId, (int)(identity?.WalSegmentSize ?? WalSegment.DefaultSize), newest?.Id);
            await http.Response.WriteAsJsonAsync(status, BackupEndpointJson.Default.EndpointStatus, cancellationToken: http.RequestAborted);
        }));
        app.MapGet("/backups", (RequestDelegate)(async http =>
        {
            if (!await EndpointAuth.AuthorizeAsync(http, token, logger))
            {
                return;
            }
            IReadOnlyList<BackupSummary> backups = [.. new BackupCatalog(ctx.Layout).List().Reverse().Select(Summarize)];
            await http.Response.WriteAsJsonAsync(backups, BackupEndpointJson.Default.IReadOnlyListBackupSummary, cancellationToken: http.RequestAborted);
        }));
    }

    private static BackupSummary Summarize(BackupInfo b) => new(
        b.Id, b.Name, b.Status.ToName(), b.Method.ToName(), b.Parent, b.Timeline,
        b.BeginLsn.IsValid ? b.BeginLsn.ToString() : null, b.EndLsn.IsValid ? b.EndLsn.ToString() : null,
        b.BeginTime, b.EndTime, b.DataSize);
}
