using System.Buffers;
using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Net.Http.Json;
using System.Text.Json;
using System.Security.Cryptography;
using K4os.Compression.LZ4.Streams;
using Pgward.Core.Checksums;

namespace Pgward.Cluster.Backups;

/// <summary>
/// Pulls a backup from a backup server's endpoint into a stopped data directory on this host (<c>backup recover
/// --node</c> through the node's agent, <c>standby clone --from-backup</c> from the CLI): the manifest first, then,
/// with delta, a checksum (the manifest's: CRC32C or SHA-256) of every local file of the backup's size (in parallel),
/// then one request for the entries that are missing or differ. What the backup has not is removed. Files are written
/// as the user running this (the caller gives the directories to the server account after), mode 0600, directories
/// 0700. The caller checks that no server runs in the directory.
/// </summary>
public sealed class BackupPuller(BackupEndpointClient client, Action<string> progress)
{
    /// <summary>How long the backup server may take to answer the manifest: it reads the whole backup for it (10 min).</summary>
    public static readonly TimeSpan ManifestTimeout = TimeSpan.FromMinutes(10);

    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

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
        var mismatched = await ChecksumAsync(paths, plan.ToChecksum, ct);
        var fetching = plan.Fetching(mismatched);
        progress($"{plan.ToChecksum.Count - mismatched.Count} files identical, {fetching.Count} entries to fetch, {plan.ToRemove.Count} to remove");
        if (fetching.Count == 0)
        {
            return new RestorePullResult(manifest.TotalSize, 0, 0, 0, plan.ToChecksum.Count, 0);
        }
        DeleteEntry(paths.Locate(RestorePlan.ControlFile));
        foreach (var path in plan.ToRemove)
        {
            DeleteEntry(paths.Locate(path));
        }
        var everything = !delta && fetching.Count >= manifest.Entries.Count;
        var (fetched, wire, files) = await FetchAsync(url, manifest.Id, paths, everything ? null : fetching, ct);
        return new RestorePullResult(manifest.TotalSize, fetched, wire, files, plan.ToChecksum.Count - mismatched.Count, plan.ToRemove.Count);
    }

    private static Uri Route(string url, string backupId, string what) =>
        new($"{url.TrimEnd('/')}/backups/{Uri.EscapeDataString(backupId)}/{what}");

    private static async Task<IReadOnlyList<string>> ChecksumAsync(RestorePaths paths, IReadOnlyList<RestoreEntry> files, CancellationToken ct)
    {
        var mismatched = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(files, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount },
            (entry, token) =>
            {
                if (!string.Equals(ChecksumHex(paths.Locate(entry.Path), entry.Algorithm!, token), entry.Checksum, StringComparison.OrdinalIgnoreCase))
                {
                    mismatched.Add(entry.Path);
                }
                return ValueTask.CompletedTask;
            });
        return [.. mismatched];
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

    /// <param name="wanted">Null: every entry.</param>
    private async Task<(long Fetched, long Wire, int Files)> FetchAsync(string url, string backupId, RestorePaths paths,
        IReadOnlyList<string>? wanted, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route(url, backupId, "files"))
        {
            Content = JsonContent.Create(new RestoreFilesRequest(wanted), BackupEndpointJson.Default.RestoreFilesRequest),
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
        await using var counted = new CountingStream(await response.Content.ReadAsStreamAsync(ct));
        await using var lz4 = LZ4Stream.Decode(counted, extraMemory: 0, leaveOpen: true);
        await using var reader = new TarReader(lz4, leaveOpen: true);
        var (fetched, files, reported) = (0L, 0, 0L);
        byte[]? control = null;
        var whole = false;
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.Name == RestoreFilesRequest.EndMarker)
            {
                whole = true;
                break;
            }
            var target = paths.Locate(entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target, DirectoryMode0700);
                    if (paths.TablespaceLink(entry.Name) is not null && !Path.Exists(Path.Combine(paths.DataDirectory, entry.Name)))
                    {
                        // PostgreSQL makes it again from tablespace_map when it starts; until then the directory reads whole.
                        File.CreateSymbolicLink(Path.Combine(paths.DataDirectory, entry.Name), target);
                    }
                    break;
                case TarEntryType.SymbolicLink:
                    DeleteEntry(target);
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
                case TarEntryType.RegularFile:
                    if (entry.Name == RestorePlan.ControlFile)
                    {
                        control = new byte[entry.Length];
                        await entry.DataStream!.ReadExactlyAsync(control, ct);
                    }
                    else
                    {
                        await WriteFileAsync(target, entry.DataStream ?? Stream.Null, entry.Length, ct);
                    }
                    fetched += entry.Length;
                    files++;
                    break;
                default:
                    throw new InvalidDataException($"the backup server sent \"{entry.Name}\" as a {entry.EntryType} entry");
            }
            if (fetched - reported >= 64L << 20)
            {
                reported = fetched;
                progress($"{fetched >> 20} MiB fetched");
            }
        }
        if (!whole)
        {
            throw new IOException($"the backup server at {url} ended its answer early (see its log)");
        }
        if (control is null)
        {
            throw new InvalidDataException($"the backup server sent no {RestorePlan.ControlFile}");
        }
        await WriteFileAsync(paths.Locate(RestorePlan.ControlFile), new MemoryStream(control), control.Length, ct);
        return (fetched, counted.BytesRead, files);
    }

    private static async Task WriteFileAsync(string target, Stream data, long length, CancellationToken ct)
    {
        DeleteEntry(target);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!, DirectoryMode0700);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = length, UnixCreateMode = FileMode0600,
            Options = FileOptions.Asynchronous,
        };
        await using var file = new FileStream(target, options);
        await data.CopyToAsync(file, 1 << 20, ct);
        if (file.Length != length)
        {
            throw new InvalidDataException($"{target}: {file.Length} bytes received, the backup says {length}");
        }
    }

    private static void DeleteEntry(string path)
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
