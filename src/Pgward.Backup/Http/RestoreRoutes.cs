using System.Formats.Tar;
using System.Text.Json;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pgward.Backup.Catalog;
using Pgward.Backup.Recovery;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Http;

/// <summary>
/// What a restore on another host reads (<c>backup recover --node</c>, <c>standby clone --from-backup</c>):
/// <c>GET /backups/{id}/manifest</c> (a <see cref="RestoreManifest"/>) and <c>POST /backups/{id}/files</c> (a
/// <see cref="RestoreFilesRequest"/>; the answer is a tar stream of those entries in one lz4 frame, the fastest
/// compression on both ends: the server decompresses its archives and compresses again at several hundred MB/s per
/// core). <c>{id}</c> is a backup id, a name or <c>latest</c>; only a DONE backup is served. Each takes the token.
/// </summary>
public static partial class RestoreRoutes
{
    public const string TarContentType = "application/x-tar+lz4";

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
        app.MapPost("/backups/{id}/files", (RequestDelegate)(async http =>
        {
            if (!await EndpointAuth.AuthorizeAsync(http, token, logger) || await FindAsync(http, ctx) is not { } backup)
            {
                return;
            }
            RestoreFilesRequest request;
            try
            {
                request = await JsonSerializer.DeserializeAsync(http.Request.Body, BackupEndpointJson.Default.RestoreFilesRequest, http.RequestAborted)
                    ?? new RestoreFilesRequest();
            }
            catch (JsonException e)
            {
                await EndpointAuth.AnswerErrorAsync(http, StatusCodes.Status400BadRequest, $"invalid request body: {e.Message}");
                return;
            }
            var directory = new BackupCatalog(ctx.Layout).DataDirectory(backup.Id);
            http.Response.ContentType = TarContentType;
            // Headers now: the first wanted entry may come only after the archive has been read a long way.
            await http.Response.StartAsync(http.RequestAborted);
            var sent = await SendAsync(http, SourceOf(directory), request.Paths?.ToHashSet(StringComparer.Ordinal), http.RequestAborted);
            Served(logger, backup.Id, sent, http.Connection.RemoteIpAddress?.ToString() ?? "?");
        }));
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

    /// <summary>Writes the wanted entries (all when <paramref name="wanted"/> is null); returns the files' bytes.</summary>
    private static async Task<long> SendAsync(HttpContext http, IRestoreSource source, HashSet<string>? wanted, CancellationToken ct)
    {
        var total = 0L;
        await using var lz4 = LZ4Stream.Encode(http.Response.Body, LZ4Level.L00_FAST, extraMemory: 0, leaveOpen: true);
        await using (var tar = new TarWriter(lz4, TarEntryFormat.Pax, leaveOpen: true))
        {
            // The archives are read synchronously (see BackupRestorer), the network written asynchronously.
            foreach (var entry in source.Entries(ct))
            {
                if (wanted is not null && !wanted.Contains(entry.Path))
                {
                    continue;
                }
                var type = entry.Kind switch
                {
                    RestoreEntry.Directory => TarEntryType.Directory,
                    RestoreEntry.Symlink => TarEntryType.SymbolicLink,
                    _ => TarEntryType.RegularFile,
                };
                var tarEntry = new PaxTarEntry(type, entry.Path);
                if (type == TarEntryType.RegularFile)
                {
                    tarEntry.DataStream = new KnownLengthStream(entry.Data ?? Stream.Null, entry.Size);
                }
                if (entry.LinkTarget is { } target)
                {
                    tarEntry.LinkName = target;
                }
                await tar.WriteEntryAsync(tarEntry, ct);
                total += entry.Size;
            }
            // A stream cut by a failure here would read as a shorter, complete archive: the marker says it is whole.
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, RestoreFilesRequest.EndMarker), ct);
        }
        await lz4.FlushAsync(ct);
        return total;
    }

    [LoggerMessage(3150, LogLevel.Information, "sent {Bytes} bytes of backup {BackupId} to {Peer}")]
    private static partial void Served(ILogger logger, string backupId, long bytes, string peer);
}
