using System.Buffers;
using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Backup.Recovery;
using Pgward.Backup.Wal;

namespace Pgward.Backup.Checks;

/// <summary>
/// Re-reads a backup end to end, whatever its format (<see cref="BackupContent"/>): the manifest's own checksum, every file against the manifest
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
        BackupContent? content = null;
        try
        {
            content = BackupContent.Open(directory);
        }
        catch (InvalidDataException ex)
        {
            problems.Add(ex.Message);
        }
        foreach (var part in content?.Parts ?? [])
        {
            var (checkedFiles, checkedBytes) = VerifyPart(part, expected, problems, ct);
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
        BackupIntegrity.RecordVerify(catalog, backup.Id, problems);
        return new VerifyReport(files, bytes, segments, problems);
    }

    /// <summary>Checks each file of one part and removes it from <paramref name="expected"/>. Synchronous, as
    /// <see cref="BackupRestorer"/>: one sequential stream, no thread-pool hop per read. A file that cannot be read
    /// is named and the others are still checked; a tar archive damaged past reading ends its part.</summary>
    private static (int Files, long Bytes) VerifyPart(
        ContentPart part, Dictionary<string, ManifestFile> expected, List<string> problems, CancellationToken ct)
    {
        var (files, bytes) = (0, 0L);
        var current = "(start of archive)";
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            foreach (var entry in part.Entries(ct))
            {
                if (entry.Kind != ContentEntryKind.File)
                {
                    continue;
                }
                current = entry.ManifestPath;
                if (!expected.Remove(current, out var listed))
                {
                    problems.Add($"{current} (in {part.Name}): in the backup but not in the manifest");
                    continue;
                }
                var size = 0L;
                using var checksum = new FileChecksum(listed.Algorithm);
                try
                {
                    using var data = entry.OpenData();
                    int read;
                    while ((read = data.Read(buffer)) > 0)
                    {
                        checksum.Append(buffer.AsSpan(0, read));
                        size += read;
                    }
                }
                catch (Exception ex) when (IsDamage(ex))
                {
                    problems.Add($"{current} (in {part.Name}): unreadable: {ex.Message}");
                    continue;
                }
                files++;
                bytes += size;
                if (size != listed.Size)
                {
                    problems.Add($"{current} (in {part.Name}): size {size} bytes, the manifest says {listed.Size}");
                }
                else if (FileChecksum.Supports(listed.Algorithm)
                    && !string.Equals(checksum.ToManifestHex(), listed.Checksum, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{current} (in {part.Name}): {listed.Algorithm} checksum {checksum.ToManifestHex()}, the manifest says {listed.Checksum}");
                }
            }
        }
        catch (Exception ex) when (IsDamage(ex))
        {
            problems.Add($"{part.Name}: unreadable after {current}: {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (files, bytes);
    }

    // A damaged lz4 frame or tar header surfaces as any of these, from K4os or from TarReader.
    private static bool IsDamage(Exception ex) => ex is InvalidDataException or EndOfStreamException or FormatException or IOException
        or InvalidOperationException or ArgumentException;
}
