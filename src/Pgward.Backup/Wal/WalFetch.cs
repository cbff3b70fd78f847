using System.Globalization;
using Pgward.Cluster;
using Pgward.Cluster.Backups;
using Pgward.Core.Config;
using Pgward.Core.Reporting;

namespace Pgward.Backup.Wal;

/// <summary>
/// <c>backup wal-fetch --server URL WALFILE DESTPATH</c>: a node's <c>restore_command</c> (<c>%f %p</c>) on the backup
/// server's endpoint (<c>GET /wal/{name}</c>), with the node's <c>agent_token</c> and TLS files. The file is decoded and
/// checked (<see cref="WalFileDecoder"/>) and written atomically (temporary file, fsync, rename). With
/// <c>wal_fetch_parallel</c> above 1 the next segments of the timeline are fetched at the same time into the spool
/// (<see cref="WalPrefetch"/>), where the next calls find them without the network. Exit codes:
/// <see cref="WalFetchExitCodes"/>.
/// </summary>
public sealed class WalFetch(NodeOptions options, IReporter reporter, TimeProvider time)
{
    /// <summary>How long the body of one file may take to arrive once its headers did.</summary>
    public static readonly TimeSpan BodyTimeout = TimeSpan.FromSeconds(60);

    /// <param name="currentDirectory">Where restore_command runs: the data directory, whose <c>standby.signal</c> says
    /// whether a standby or an archive recovery asks.</param>
    public async Task<Outcome> RunAsync(string serverUrl, string walFileName, string destinationPath, string currentDirectory, CancellationToken ct)
    {
        var standbyMode = File.Exists(Path.Combine(currentDirectory, "standby.signal"));
        var (result, problem) = await FetchAsync(serverUrl, walFileName, destinationPath, ct);
        var code = WalFetchExitCodes.For(result, standbyMode);
        return result switch
        {
            WalFetchResult.Restored => Outcome.Ok,
            // Asked all the time at the end of the archive and for history probes: not worth a line in the server log.
            WalFetchResult.Missing => new Outcome(code),
            WalFetchResult.Damaged => Outcome.Fail(code, $"cannot restore WAL file {walFileName}: {problem}",
                hint: "recovery stops here rather than end early; see pgward backup check on the backup server"),
            WalFetchResult.Unavailable => Outcome.Fail(code, $"cannot fetch WAL file {walFileName}: {problem}", hint: standbyMode
                ? "the standby goes on streaming from its upstream and asks the backup server again in a few seconds"
                : "recovery stops here rather than end early; start the server again once the backup server answers"),
            _ => Outcome.Fail(code, $"cannot restore WAL file {walFileName}: {problem}"),
        };
    }

    private async Task<(WalFetchResult Result, string? Problem)> FetchAsync(string serverUrl, string walFileName, string destinationPath, CancellationToken ct)
    {
        if (!WalFileName.TryParse(walFileName, WalPrefetch.MinSegmentSize, out var file))
        {
            return (WalFetchResult.Missing, null);
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(destinationPath));
        if (directory is null || !Directory.Exists(directory))
        {
            return (WalFetchResult.Failed, $"destination directory of \"{destinationPath}\" does not exist");
        }
        if (!Uri.TryCreate(serverUrl.TrimEnd('/') + "/wal/" + walFileName, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return (WalFetchResult.Failed, $"invalid backup server URL \"{serverUrl}\" (expected e.g. https://backup1:8008)");
        }
        var spool = WalSpool.Open(options, reporter);
        try
        {
            if (file.Kind == WalFileKind.Segment && spool is not null && await spool.GiveAsync(walFileName, destinationPath, ct))
            {
                return (WalFetchResult.Restored, null);
            }
            using var client = new BackupEndpointClient(options, time);
            var (response, problem) = await GetAsync(client, serverUrl, walFileName, ct);
            if (response is null)
            {
                return (WalFetchResult.Unavailable, problem);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    var reason = await BackupEndpointClient.DescribeAsync(response, ct);
                    return (int)response.StatusCode switch
                    {
                        404 => (WalFetchResult.Missing, null),
                        WalFileHeaders.DamagedStatus => (WalFetchResult.Damaged, reason),
                        _ => (WalFetchResult.Unavailable, reason),
                    };
                }
                var (encoding, size) = Describe(response);
                var prefetch = file.Kind == WalFileKind.Segment && spool is not null && WalPrefetch.IsSegmentSize(size)
                    ? PrefetchAsync(client, serverUrl, spool, WalPrefetch.Ahead(walFileName, options.WalFetchParallel, size), ct)
                    : Task.CompletedTask;
                var (body, bodyProblem) = await ReadBodyAsync(response, ct);
                var (content, damage) = body is null ? (null, null) : WalFileDecoder.Decode(walFileName, body, encoding, size);
                await prefetch;
                if (body is null)
                {
                    return (WalFetchResult.Unavailable, bodyProblem);
                }
                if (content is null)
                {
                    return (WalFetchResult.Damaged, damage + " (as the backup server sent it)");
                }
                await Core.IO.DurableFile.WriteAsync(destinationPath, content, Core.IO.DurableFile.OwnerOnly, ownerLike: null, ct);
                if (spool is not null && WalPrefetch.IsSegmentSize(size))
                {
                    spool.RemoveStale(walFileName, size);
                }
                reporter.Info($"restored {walFileName} from the backup server to \"{destinationPath}\"");
                return (WalFetchResult.Restored, null);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (WalFetchResult.Failed, e.Message);
        }
    }

    private static async Task<(HttpResponseMessage? Response, string? Problem)> GetAsync(BackupEndpointClient client, string serverUrl, string walFileName, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(serverUrl.TrimEnd('/') + "/wal/" + walFileName));
        return await client.SendAsync(request, ct);
    }

    private static (string? Encoding, long Size) Describe(HttpResponseMessage response)
    {
        var encoding = response.Headers.TryGetValues(WalFileHeaders.Encoding, out var e) ? e.FirstOrDefault() : null;
        var size = response.Headers.TryGetValues(WalFileHeaders.Size, out var s)
            && long.TryParse(s.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        return (encoding, size);
    }

    private static async Task<(byte[]? Body, string? Problem)> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(BodyTimeout);
        try
        {
            return (await response.Content.ReadAsByteArrayAsync(deadline.Token), null);
        }
        catch (HttpRequestException e)
        {
            return (null, $"the transfer from the backup server broke off: {e.Message}");
        }
        catch (IOException e)
        {
            return (null, $"the transfer from the backup server broke off: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"the transfer from the backup server took more than {BodyTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Fetches the segments ahead into the spool, in parallel; one that is not archived (yet) or does not come
    /// is simply not spooled: the call that needs it asks again.</summary>
    private static async Task PrefetchAsync(BackupEndpointClient client, string serverUrl, WalSpool spool, IReadOnlyList<string> names, CancellationToken ct)
    {
        await Task.WhenAll(names.Where(name => !spool.Contains(name)).Select(async name =>
        {
            var (response, _) = await GetAsync(client, serverUrl, name, ct);
            using (response)
            {
                if (response is not { IsSuccessStatusCode: true } || Describe(response).Encoding != WalFileHeaders.Zstd)
                {
                    return;
                }
                var (body, _) = await ReadBodyAsync(response, ct);
                if (body is null)
                {
                    return;
                }
                await spool.StoreAsync(name, body, ct);
            }
        }));
    }
}
