using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pgward.Backup.Catalog;
using Pgward.Backup.Files;
using Pgward.Backup.Recovery;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Http;

/// <summary>
/// What a restore on another host reads (<c>backup recover --node</c>, <c>standby clone --from-backup</c>):
/// <c>GET /backups/{id}/manifest</c> (a <see cref="RestoreManifest"/>), <c>POST /backups/{id}/maps</c> (the block maps
/// of the files a delta restore compares page by page: <see cref="RestoreBlockMap"/>) and <c>POST /backups/{id}/files</c>
/// (a <see cref="RestoreFilesRequest"/>; the answer is <see cref="BlockRuns"/>: a files backup's stored lz4 blocks as
/// they are, see <see cref="BlockRunSender"/>). <c>{id}</c> is a backup id, a name or <c>latest</c>; only a DONE backup is
/// served. Each takes the token.
/// </summary>
public static partial class RestoreRoutes
{
    public static void Map(WebApplication app, BackupContext ctx, ILogger logger)
    {
        var token = ctx.Root.AgentToken;
        app.MapGet("/backups/{id}/manifest", (RequestDelegate)(async http =>
        {
            if (!await EndpointAuth.AuthorizeAsync(http, token, logger) || await FindAsync(http, ctx) is not { } backup)
            {
                return;
            }
            var directory = new BackupCatalog(ctx.Layout).DataDirectory(backup.Id);
            RestoreManifest manifest;
            try
            {
                manifest = await Task.Run(() => RestoreManifestBuilder.Build(backup, directory, SourceOf(directory), http.RequestAborted), http.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
            {
                await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status500InternalServerError, $"backup {backup.Id} cannot be read: {e.Message}",
                    $"on the backup server: pgward backup verify {backup.Id}");
                return;
            }
            await http.Response.WriteAsJsonAsync(manifest, BackupEndpointJson.Default.RestoreManifest, cancellationToken: http.RequestAborted);
        }));
        app.MapPost("/backups/{id}/maps", (RequestDelegate)(async http =>
        {
            if (!await EndpointAuth.AuthorizeAsync(http, token, logger) || await FindAsync(http, ctx) is not { } backup
                || await ReadRequestAsync(http) is not { } request)
            {
                return;
            }
            var directory = new BackupCatalog(ctx.Layout).DataDirectory(backup.Id);
            var maps = new List<RestoreBlockMap>();
            foreach (var path in request.Paths ?? [])
            {
                if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Any(p => p is ".." or "." or ""))
                {
                    await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status400BadRequest, $"\"{path}\" is no path inside the data directory");
                    return;
                }
                if (MapOf(directory, path) is { } map)
                {
                    maps.Add(map);
                }
            }
            await http.Response.WriteAsJsonAsync(maps, BackupEndpointJson.Default.IReadOnlyListRestoreBlockMap, cancellationToken: http.RequestAborted);
        }));
        app.MapPost("/backups/{id}/files", (RequestDelegate)(async http =>
        {
            if (!await EndpointAuth.AuthorizeAsync(http, token, logger) || await FindAsync(http, ctx) is not { } backup
                || await ReadRequestAsync(http) is not { } request)
            {
                return;
            }
            var directory = new BackupCatalog(ctx.Layout).DataDirectory(backup.Id);
            http.Response.ContentType = BlockRuns.ContentType;
            // Headers now: the first wanted entry may come only after the archive has been read a long way.
            await http.Response.StartAsync(http.RequestAborted);
            var sent = await SendAsync(http, SourceOf(directory), request, http.RequestAborted);
            Served(logger, backup.Id, sent, http.Connection.RemoteIpAddress?.ToString() ?? "?");
        }));
    }

    private static async Task<RestoreFilesRequest?> ReadRequestAsync(HttpContext http)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, BackupEndpointJson.Default.RestoreFilesRequest, http.RequestAborted)
                ?? new RestoreFilesRequest();
        }
        catch (JsonException e)
        {
            await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status400BadRequest, $"invalid request body: {e.Message}");
            return null;
        }
    }

    /// <summary>The block map a files backup keeps beside a copy of 1 MiB or more, as the endpoint serves it.</summary>
    private static RestoreBlockMap? MapOf(string dataDirectory, string path)
    {
        var file = StoredFiles.MapOf(StoredFiles.Root(dataDirectory), path);
        if (!File.Exists(file))
        {
            return null;
        }
        var map = BlockMap.Parse(File.ReadAllBytes(file));
        return new RestoreBlockMap(path, map.Length, BlockMap.BlockSize, map.Masked ? PageDelta.MaskedAlgorithm : PageDelta.Algorithm,
            Bytes(map.Hashes), map.Loose is { } loose ? Bytes(loose) : null);
    }

    private static byte[] Bytes(ulong[] hashes)
    {
        var bytes = new byte[8 * hashes.Length];
        for (var i = 0; i < hashes.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 * i), hashes[i]);
        }
        return bytes;
    }

    /// <summary>The one place that picks a backup's reader: <see cref="BackupContent"/> knows the formats.</summary>
    private static ContentRestoreSource SourceOf(string dataDirectory) => new(dataDirectory);

    private static async Task<BackupInfo?> FindAsync(HttpContext http, BackupContext ctx)
    {
        var id = (string)http.Request.RouteValues["id"]!;
        var backup = new BackupCatalog(ctx.Layout).Find(id);
        if (backup is null)
        {
            await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status404NotFound, $"no backup \"{id}\" on backup server {ctx.Options.Name}",
                "see the backups with: pgward backup list (on the backup server)");
            return null;
        }
        if (backup.Status != BackupStatus.Done)
        {
            await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status409Conflict, $"backup {backup.Id} is {backup.Status.ToName()}, not DONE: it cannot be restored",
                "choose a DONE backup (pgward backup list)");
            return null;
        }
        return backup;
    }

    /// <summary>Writes the wanted entries (all when the request names none); returns the bytes of the files sent.</summary>
    private static async Task<long> SendAsync(HttpContext http, IRestoreSource source, RestoreFilesRequest request, CancellationToken ct)
    {
        var whole = request.Paths?.ToHashSet(StringComparer.Ordinal);
        var pages = (request.Pages ?? []).ToDictionary(p => p.Path, p => p.Pages, StringComparer.Ordinal);
        var everything = request.Paths is null && request.Pages is null;
        var total = 0L;
        await using var buffered = new BufferedStream(http.Response.Body, 1 << 20);
        var sender = new BlockRunSender(buffered, request.PageRuns);
        foreach (var entry in source.Entries(ct))
        {
            var some = pages.GetValueOrDefault(entry.Path);
            if (!everything && some is null && whole?.Contains(entry.Path) != true)
            {
                continue;
            }
            switch (entry.Kind)
            {
                case RestoreEntry.Directory:
                    await sender.DirectoryAsync(entry.Path, ct);
                    break;
                case RestoreEntry.Symlink:
                    await sender.SymlinkAsync(entry.Path, entry.LinkTarget ?? "", ct);
                    break;
                default:
                    total += await sender.FileAsync(entry, some, ct);
                    break;
            }
        }
        // A stream cut by a failure here would read as a shorter, complete answer: the end record says it is whole.
        await sender.EndAsync(ct);
        await buffered.FlushAsync(ct);
        return total;
    }

    [LoggerMessage(3150, LogLevel.Information, "sent {Bytes} bytes of backup {BackupId} to {Peer}")]
    private static partial void Served(ILogger logger, string backupId, long bytes, string peer);
}
