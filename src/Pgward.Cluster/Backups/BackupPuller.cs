using System.Buffers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Security.Cryptography;
using Pgward.Core.Checksums;

namespace Pgward.Cluster.Backups;

/// <summary>
/// Pulls a backup from a backup server's endpoint into a stopped data directory on this host (<c>backup recover
/// --node</c> through the node's agent, <c>standby clone --from-backup</c> from the CLI): the manifest first; then, with
/// delta, the local files are compared: a file of a files backup that has a block map (1 MiB and more) page by page
/// against the map's hashes (<see cref="PageDelta"/>), also when its length changed since (it is then cut or extended to
/// the backup's length, and the pages past its old end fetched); any other of the backup's size whole by the manifest's
/// checksum (the algorithm it names: CRC32C or SHA-256); then one request for the entries that are missing or differ,
/// and the pages that differ. What the backup has not is removed. The answer (<see cref="BlockRuns"/>: lz4 blocks) is decoded
/// and written on <see cref="RestoreWorkers"/> threads, as are the comparisons: CPU-bound work stays off the thread
/// pool, where the agent's own loops run. Files are written as the user running this (the caller gives the directories
/// to the server account after), mode 0600, directories 0700. The caller checks that no server runs in the directory.
/// </summary>
public sealed class BackupPuller(BackupEndpointClient client, Action<string> progress)
{
    /// <summary>How long the backup server may take to answer the manifest: it reads the whole backup for it (10 min).</summary>
    public static readonly TimeSpan ManifestTimeout = TimeSpan.FromMinutes(10);

    internal const UnixFileMode DirectoryMode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary><c>GET /backups/{id}/manifest</c>, or why it could not be had.</summary>
    public async Task<(RestoreManifest? Manifest, string? Problem)> GetManifestAsync(string url, string backupId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Route(url, backupId, "manifest"));
        var (response, problem) = await client.SendAsync(request, ct, ManifestTimeout);
        if (response is null)
        {
            return (null, problem);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return (null, await BackupEndpointClient.DescribeAsync(response, ct));
            }
            try
            {
                return (await response.Content.ReadFromJsonAsync(BackupEndpointJson.Default.RestoreManifest, ct), null);
            }
            catch (JsonException e)
            {
                return (null, $"unexpected manifest from the backup server at {url}: {e.Message}");
            }
        }
    }

    /// <summary>Brings <paramref name="dataDirectory"/> (and the tablespace locations) to the backup's state. Throws
    /// <see cref="IOException"/> or <see cref="InvalidDataException"/> when it cannot; the control file is then absent.</summary>
    public async Task<RestorePullResult> PullAsync(string url, RestoreManifest manifest, string dataDirectory, bool delta, CancellationToken ct)
    {
        var paths = new RestorePaths(dataDirectory, manifest.Tablespaces);
        Directory.CreateDirectory(paths.DataDirectory, DirectoryMode0700);
        var local = LocalListing.Read(paths);
        var plan = RestorePlan.Decide(manifest, local, delta);
        using var workers = new RestoreWorkers(RestoreWorkers.DefaultThreadCount);
        var large = plan.ToCompare.Where(c => c.Entry.Size >= PageDelta.MapThreshold).Select(c => c.Entry.Path).ToList();
        var maps = large.Count == 0 ? [] : await GetBlockMapsAsync(url, manifest.Id, large, ct);
        var (mismatched, pages, resized) = await CompareAsync(paths, plan.ToCompare, maps, manifest.EndedBeforeXid, workers, ct);
        var fetching = plan.Fetching(mismatched.Concat(pages.Select(p => p.Path)), resizing: resized.Count > 0);
        var kept = plan.ToCompare.Count - mismatched.Count - pages.Count;
        progress($"{kept} files identical or kept in part, {fetching.Count - pages.Count} entries to fetch, {pages.Count} files to fetch pages of "
            + $"({pages.Sum(p => p.Pages.Count)} pages), {resized.Count} to cut or extend to the backup's length, {plan.ToRemove.Count} to remove");
        if (fetching.Count == 0)
        {
            return new RestorePullResult(manifest.TotalSize, 0, 0, 0, kept, 0);
        }
        DeleteEntry(paths.Locate(RestorePlan.ControlFile));
        foreach (var path in plan.ToRemove)
        {
            DeleteEntry(paths.Locate(path));
        }
        foreach (var resize in resized)
        {
            Resize(paths.Locate(resize.Entry.Path), resize.LocalSize, resize.Entry.Size);
        }
        var paged = pages.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        var whole = fetching.Where(p => !paged.Contains(p)).ToList();
        var everything = !delta && fetching.Count >= manifest.Entries.Count;
        var request = new RestoreFilesRequest(everything ? null : whole, pages.Count == 0 ? null : pages, PageRuns: pages.Count > 0);
        var files = manifest.Entries.Where(e => e.Kind == RestoreEntry.File).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        var expected = everything ? files : fetching.Where(files.Contains).ToHashSet(StringComparer.Ordinal);
        var (fetched, wire, count) = await FetchAsync(url, manifest.Id, paths, request, paged, expected, workers, ct);
        return new RestorePullResult(manifest.TotalSize, fetched, wire, count, kept, plan.ToRemove.Count);
    }

    private static Uri Route(string url, string backupId, string what) =>
        new($"{url.TrimEnd('/')}/backups/{Uri.EscapeDataString(backupId)}/{what}");

    /// <summary><c>POST /backups/{id}/maps</c>: the block maps the backup has of these files (a tar backup has none).</summary>
    private async Task<Dictionary<string, RestoreBlockMap>> GetBlockMapsAsync(string url, string backupId, IReadOnlyList<string> files, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route(url, backupId, "maps"))
        {
            Content = JsonContent.Create(new RestoreFilesRequest(files), BackupEndpointJson.Default.RestoreFilesRequest),
        };
        var (response, problem) = await client.SendAsync(request, ct, ManifestTimeout);
        if (response is null)
        {
            throw new IOException(problem);
        }
        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException(await BackupEndpointClient.DescribeAsync(response, ct));
        }
        var maps = await response.Content.ReadFromJsonAsync(BackupEndpointJson.Default.IReadOnlyListRestoreBlockMap, ct) ?? [];
        return maps.ToDictionary(m => m.Path, StringComparer.Ordinal);
    }

    /// <summary>Compares the local files with the backup's on the workers: page by page where a usable map is (over the
    /// pages both hold when the lengths differ), whole by checksum otherwise. Gives the files to fetch whole, the pages to
    /// fetch of the others, and the files kept (whole or in part) whose length must become the backup's.</summary>
    private static async Task<(List<string> Mismatched, List<RestorePages> Pages, List<RestoreCompare> Resized)> CompareAsync(RestorePaths paths,
        IReadOnlyList<RestoreCompare> files, IReadOnlyDictionary<string, RestoreBlockMap> maps, uint? endedBefore, RestoreWorkers workers, CancellationToken ct)
    {
        var mismatched = new List<string>();
        var wholes = new List<(RestoreEntry Entry, Task<bool> Same)>();
        var paged = new List<(RestoreCompare File, List<Task<List<int>>> Pieces)>();
        foreach (var file in files)
        {
            var (entry, localSize) = (file.Entry, file.LocalSize);
            var location = paths.Locate(entry.Path);
            if (maps.TryGetValue(entry.Path, out var map) && PageDelta.Usable(map, entry.Size))
            {
                var pieces = new List<Task<List<int>>>();
                for (var first = 0; first < PageDelta.PagesOf(entry.Size); first += PageDelta.PagesPerPiece)
                {
                    var page = first;
                    pieces.Add(workers.RunAsync(() => ComparePages(location, page, map, localSize, endedBefore, ct)));
                }
                paged.Add((file, pieces));
            }
            else if (localSize != entry.Size)
            {
                mismatched.Add(entry.Path); // no map (a tar backup's copy): a checksum of another length cannot match
            }
            else
            {
                wholes.Add((entry, workers.RunAsync(() =>
                    string.Equals(ChecksumHex(location, entry.Algorithm!, ct), entry.Checksum, StringComparison.OrdinalIgnoreCase))));
            }
        }
        foreach (var (entry, same) in wholes)
        {
            if (!await same)
            {
                mismatched.Add(entry.Path);
            }
        }
        var pages = new List<RestorePages>();
        var resized = new List<RestoreCompare>();
        foreach (var (file, pieces) in paged)
        {
            var differing = (await Task.WhenAll(pieces)).SelectMany(p => p).ToList();
            if (PageDelta.FetchWhole(differing.Count, PageDelta.PagesOf(file.Entry.Size)))
            {
                mismatched.Add(file.Entry.Path);
                continue;
            }
            if (differing.Count > 0)
            {
                pages.Add(new RestorePages(file.Entry.Path, differing));
            }
            if (file.LocalSize != file.Entry.Size)
            {
                resized.Add(file);
            }
        }
        return (mismatched, pages, resized);
    }

    /// <summary>Pages <paramref name="firstPage"/> onwards (one piece) of a local file of <paramref name="localSize"/>
    /// bytes that differ from the backup's: by hash where the local file holds the page whole, all past its end.</summary>
    private static List<int> ComparePages(string location, int firstPage, RestoreBlockMap map, long localSize, uint? endedBefore, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var offset = (long)firstPage * BlockRuns.PageSize;
        var length = (int)Math.Min((long)PageDelta.PagesPerPiece * BlockRuns.PageSize, map.Length - offset);
        var comparable = PageDelta.ComparableLength(map.Length, localSize, offset, length);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(comparable, 1));
        try
        {
            using var handle = File.OpenHandle(location, FileMode.Open, FileAccess.Read, FileShare.Read);
            var read = 0;
            while (read < comparable)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, comparable - read), offset + read);
                if (n == 0)
                {
                    throw new IOException($"{location} shrank while it was compared");
                }
                read += n;
            }
            var differing = new List<int>();
            PageDelta.Compare(buffer.AsSpan(0, comparable), firstPage, map, differing, endedBefore);
            for (var page = firstPage + PageDelta.PagesOf(comparable); page < PageDelta.PagesOf(offset + length); page++)
            {
                differing.Add(page);
            }
            return differing;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Cuts or extends a kept file to the backup's length (extended with zeros: the pages past its old end are
    /// fetched); refuses one whose length changed since it was compared.</summary>
    private static void Resize(string location, long compared, long size)
    {
        using var file = new FileStream(location, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write, BufferSize = 0 });
        if (file.Length != compared)
        {
            throw new InvalidDataException($"{location} changed while it was restored: {file.Length} bytes, {compared} when it was compared");
        }
        file.SetLength(size);
    }

    /// <summary>A local file's checksum as the manifest writes it: CRC32C (pg_basebackup's) or SHA256 (files backups').</summary>
    private static string ChecksumHex(string file, string algorithm, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var crc = new Crc32C();
            using var sha = algorithm == "CRC32C" ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                if (sha is null)
                {
                    crc.Append(buffer.AsSpan(0, read));
                }
                else
                {
                    sha.AppendData(buffer.AsSpan(0, read));
                }
            }
            return sha is null ? crc.ToManifestHex() : Convert.ToHexStringLower(sha.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<(long Fetched, long Wire, int Files)> FetchAsync(string url, string backupId, RestorePaths paths, RestoreFilesRequest wanted,
        IReadOnlySet<string> paged, IReadOnlyCollection<string> expected, RestoreWorkers workers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route(url, backupId, "files"))
        {
            Content = JsonContent.Create(wanted, BackupEndpointJson.Default.RestoreFilesRequest),
        };
        var (response, problem) = await client.SendAsync(request, ct);
        if (response is null)
        {
            throw new IOException(problem);
        }
        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException(await BackupEndpointClient.DescribeAsync(response, ct));
        }
        if (response.Content.Headers.ContentType?.MediaType != BlockRuns.ContentType)
        {
            throw new IOException($"the backup server at {url} answers in another format ({response.Content.Headers.ContentType?.MediaType}): "
                + "it runs another version of pgward; upgrade both to the same");
        }
        await using var counted = new CountingStream(await response.Content.ReadAsStreamAsync(ct));
        var receiver = new BlockRunReceiver(paths, workers, progress);
        await receiver.ReceiveAsync(counted, paged, expected, url, ct);
        return (receiver.Written, counted.BytesRead, receiver.Files);
    }

    internal static void DeleteEntry(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || File.Exists(path))
        {
            info.Delete();
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
