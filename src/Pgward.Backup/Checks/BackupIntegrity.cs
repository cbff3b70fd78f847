using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Backup.Files;

namespace Pgward.Backup.Checks;

/// <summary>
/// <c>backup check</c>'s look at the base backups without reading their data: the manifest is there and matches its
/// own checksum, every file it lists is stored (a files backup) or the base archive is there (tar), and the last
/// <c>backup verify</c> did not fail (<see cref="BackupLayout.VerifyFailedFile"/>). A damaged link of an incremental
/// chain shows here; damage inside a file's bytes shows once <c>backup verify</c> has read it.
/// </summary>
public static class BackupIntegrity
{
    /// <summary>The problems of <paramref name="these"/>, those that show, in their order. A backup whose block patches
    /// lie over another (<see cref="BackupInfo.PatchBases"/>) has that one's problem too: it cannot be restored without
    /// it. Each backup's own look (its manifest, its stored files) is taken once, however many backups lie over it.</summary>
    /// <param name="all">Every backup of the catalog: where the bases are found.</param>
    public static IReadOnlyList<(string Id, string Problem)> ProblemsOf(BackupCatalog catalog, IReadOnlyList<BackupInfo> all, IEnumerable<BackupInfo> these)
    {
        var byId = all.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var known = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? ProblemOf(BackupInfo backup, int linksLeft)
        {
            if (known.TryGetValue(backup.Id, out var seen))
            {
                return seen;
            }
            var problem = OwnProblemOf(catalog, backup);
            foreach (var baseId in problem is null ? backup.PatchBases : [])
            {
                if (!byId.TryGetValue(baseId, out var baseBackup) || !Directory.Exists(catalog.DataDirectory(baseId)))
                {
                    problem = $"its block patches lie over backup {baseId}, which is gone";
                    break;
                }
                if (linksLeft > 0 && ProblemOf(baseBackup, linksLeft - 1) is { } inherited)
                {
                    problem = $"its block patches lie over backup {baseId}, which is damaged: {inherited}";
                    break;
                }
            }
            known[backup.Id] = problem;
            return problem;
        }
        return [.. these.Select(b => (b.Id, Problem: ProblemOf(b, BlockPatch.MaxDepth * 2))).Where(d => d.Problem is not null).Select(d => (d.Id, d.Problem!))];
    }

    private static string? OwnProblemOf(BackupCatalog catalog, BackupInfo backup)
    {
        var verifyFailed = catalog.Layout.VerifyFailedFile(backup.Id);
        if (File.Exists(verifyFailed))
        {
            var first = File.ReadLines(verifyFailed).FirstOrDefault() ?? "";
            return $"backup verify failed: {first}";
        }
        var data = catalog.DataDirectory(backup.Id);
        var manifestPath = Path.Combine(data, BackupManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return "its backup_manifest is missing";
        }
        var text = File.ReadAllText(manifestPath);
        BackupManifest manifest;
        try
        {
            manifest = BackupManifest.Parse(text);
        }
        catch (FormatException ex)
        {
            return $"its backup_manifest is unreadable: {ex.Message}";
        }
        if (!BackupManifest.ChecksumMatches(text, manifest.ManifestChecksum))
        {
            return "its backup_manifest does not match its own checksum";
        }
        if (backup.Method == BackupMethod.Tar)
        {
            return File.Exists(Path.Combine(data, BackupArchive.BaseArchiveName)) ? null : $"{BackupArchive.BaseArchiveName} is missing";
        }
        var missing = manifest.Files.Where(f => !StoredCopy.Exists(data, f.Path)).Select(f => f.Path).ToList();
        return missing.Count == 0 ? null : $"{missing.Count} stored file(s) missing: {string.Join(", ", missing.Take(3))}{(missing.Count > 3 ? ", ..." : "")}";
    }

    /// <summary>Records what <c>backup verify</c> found: the problems, or nothing (the file removed).</summary>
    public static void RecordVerify(BackupCatalog catalog, string backupId, IReadOnlyList<string> problems)
    {
        var file = catalog.Layout.VerifyFailedFile(backupId);
        if (problems.Count == 0)
        {
            File.Delete(file);
            return;
        }
        AtomicFile.WriteAllText(file, string.Join('\n', problems) + "\n");
    }
}
