using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pgward.Backup.Wal;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Http;

/// <summary>
/// <c>GET /wal/{name}</c>: an archived WAL segment, <c>.partial</c> or timeline history file, for a node's
/// <c>backup wal-fetch</c> (its <c>restore_command</c>). A segment is sent as the archive stores it, one zstd frame
/// (<see cref="WalFileHeaders"/>): a fifth of the bytes, and the caller checks the frame's checksum and the first page
/// itself. 404 when the file is not archived (the end of the WAL, a probe for a history file); 422
/// (<see cref="WalFileHeaders.DamagedStatus"/>) when it is missing although later segments of its timeline are
/// archived, which <c>backup wal-restore</c> also reports as damage. Takes the token (<see cref="EndpointAuth"/>).
/// </summary>
public static class WalRoutes
{
    public static void Map(WebApplication app, BackupContext ctx, ILogger logger)
    {
        var token = ctx.Root.AgentToken;
        app.MapGet("/wal/{name}", (RequestDelegate)(async http =>
        {
            if (!await EndpointAuth.AuthorizeAsync(http, token, logger))
            {
                return;
            }
            var name = (string)http.Request.RouteValues["name"]!;
            var segmentSize = ClusterIdentity.Read(ctx.Layout)?.WalSegmentSize ?? WalSegment.DefaultSize;
            if (!WalFileName.TryParse(name, segmentSize, out var file))
            {
                await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status400BadRequest,
                    $"\"{name}\" is not the name of a WAL segment, .partial or timeline history file");
                return;
            }
            var (path, hole) = new WalArchive(ctx.Layout, segmentSize).Locate(name);
            if (hole is not null)
            {
                await EndpointAuth.AnswerErrorAsync(http, WalFileHeaders.DamagedStatus, hole,
                    "recovery stops here rather than end early; see pgward backup check on the backup server");
                return;
            }
            if (path is null)
            {
                await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status404NotFound, $"WAL file {name} is not archived");
                return;
            }
            await SendAsync(http, path, file.Kind == WalFileKind.History ? null : segmentSize);
        }));
    }

    private static async Task SendAsync(HttpContext http, string path, long? segmentSize)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            // Retention removed it between the lookup and now: as good as never archived.
            await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status404NotFound, $"WAL file {Path.GetFileName(path)} is not archived");
            return;
        }
        await using (stream)
        {
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = stream.Length;
            http.Response.Headers[WalFileHeaders.Encoding] = segmentSize is null ? WalFileHeaders.Identity : WalFileHeaders.Zstd;
            http.Response.Headers[WalFileHeaders.Size] = (segmentSize ?? stream.Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }
}
