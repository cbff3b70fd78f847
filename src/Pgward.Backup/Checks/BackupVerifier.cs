using System.Buffers;
using System.Formats.Tar;
using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;

namespace Pgward.Backup.Checks;

/// <summary>
/// Re-reads a backup end to end: the manifest's own checksum, every file of every archive against the manifest
/// (present, same size, same checksum, nothing extra), then the archived WAL from the backup's begin to its end.
/// pg_verifybackup cannot do this: in PG15 it reads plain-format backups only.
/// </summary>
public sealed class BackupVerifier(BackupCatalog catalog, IWalArchive archive)
{
    public async Task<VerifyReport> VerifyAsync(BackupInfo backup, CancellationToken ct)
    {
        var problems = new List<string>();
        var directory = catalog.DataDirectory(backup.Id);
        var manifestPath = Path.Combine(directory, BackupManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return new VerifyReport(0, 0, 0, [$"{manifestPath}: the manifest is missing"]);
        }
        var text = await File.ReadAllTextAsync(manifestPath, ct);
        BackupManifest manifest;
        try
        {
            manifest = BackupManifest.Parse(text);
        }
        catch (FormatException ex)
        {
            return new VerifyReport(0, 0, 0, [$"{manifestPath}: {ex.Message}"]);
        }
        if (!BackupManifest.ChecksumMatches(text, manifest.ManifestChecksum))
        {
            problems.Add($"{manifestPath}: the manifest's own checksum does not match its contents");
        }

        var expected = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var (files, bytes) = (0, 0L);
        foreach (var archiveFile in BackupArchive.In(directory))
        {
            var (checkedFiles, checkedBytes) = VerifyArchive(archiveFile, expected, problems, ct);
            files += checkedFiles;
            bytes += checkedBytes;
        }
        problems.AddRange(expected.Keys.Order(StringComparer.Ordinal).Select(p => $"{p}: listed in the manifest but missing from the backup"));

        var segments = 0;
        if (backup.BeginWal is { } begin && backup.EndWal is { } end)
        {
            segments = (int)(end.Number - begin.Number + 1);
            var missing = await archive.MissingSegmentsAsync((int)backup.Timeline, backup.BeginLsn, backup.EndLsn + -1, readContents: true, ct);
            problems.AddRange(missing.Select(s => $"WAL segment {s}: needed by the backup but missing or damaged in the archive"));
        }
        else
        {
            problems.Add("the backup has no end LSN (it never finished): its WAL range is unknown");
        }
        return new VerifyReport(files, bytes, segments, problems);
    }

    /// <summary>Checks each file of one archive and removes it from <paramref name="expected"/>. Synchronous, as
    /// <see cref="Recovery.BackupRestorer"/>: one sequential stream, no thread-pool hop per read.</summary>
    private static (int Files, long Bytes) VerifyArchive(
        BackupArchive archiveFile, Dictionary<string, ManifestFile> expected, List<string> problems, CancellationToken ct)
    {
        var (files, bytes) = (0, 0L);
        var current = "(start of archive)";
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        var (stream, reader) = archiveFile.Open();
        try
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                ct.ThrowIfCancellationRequested();
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    continue;
                }
                current = archiveFile.ManifestPath(entry);
                if (!expected.Remove(current, out var listed))
                {
                    problems.Add($"{current} (in {archiveFile.FileName}): in the backup but not in the manifest");
                    continue;
                }
                var size = 0L;
                using var checksum = new FileChecksum(listed.Algorithm);
                if (entry.DataStream is { } data)
                {
                    int read;
                    while ((read = data.Read(buffer)) > 0)
                    {
                        checksum.Append(buffer.AsSpan(0, read));
                        size += read;
                    }
                }
                files++;
                bytes += size;
                if (size != listed.Size)
                {
                    problems.Add($"{current} (in {archiveFile.FileName}): size {size} bytes, the manifest says {listed.Size}");
                }
                else if (FileChecksum.Supports(listed.Algorithm)
                    && !string.Equals(checksum.ToManifestHex(), listed.Checksum, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{current} (in {archiveFile.FileName}): {listed.Algorithm} checksum {checksum.ToManifestHex()}, the manifest says {listed.Checksum}");
                }
            }
        }
        // A damaged lz4 frame or tar header surfaces as any of these, from K4os or from TarReader.
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or IOException
            or InvalidOperationException or ArgumentException)
        {
            problems.Add($"{archiveFile.FileName}: unreadable after {current}: {ex.Message}");
        }
        finally
        {
            reader.Dispose();
            stream.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (files, bytes);
    }
}
