using Pgward.Backup.Base;
using Pgward.Backup.Catalog;
using Pgward.Cluster.Backups;

namespace Pgward.Backup.Recovery;

/// <summary>
/// Builds the <see cref="RestoreManifest"/> a backup server's endpoint serves: the backup's entries as its
/// <see cref="IRestoreSource"/> lists them, each file with the checksum its backup_manifest records, and the
/// tablespaces of its tablespace_map, and from its control file the transaction horizon a delta onto a standby needs
/// (<see cref="ControlFileXids"/>). Reading a tar backup's entries means decompressing its archives once.
/// </summary>
public static class RestoreManifestBuilder
{
    public const string TablespaceMapFile = "tablespace_map";

    public static RestoreManifest Build(BackupInfo backup, string dataDirectory, IRestoreSource source, CancellationToken ct)
    {
        var manifestPath = Path.Combine(dataDirectory, BackupManifest.FileName);
        var checksums = File.Exists(manifestPath)
            ? BackupManifest.Parse(File.ReadAllText(manifestPath)).Files.ToDictionary(f => f.Path, StringComparer.Ordinal)
            : [];
        var entries = new List<RestoreEntry>();
        var tablespaces = new List<RestoreTablespace>();
        uint? endedBefore = null;
        foreach (var entry in source.Entries(ct))
        {
            if (entry.Path == TablespaceMapFile && entry.Data is { } data)
            {
                using var reader = new StreamReader(data, leaveOpen: true);
                tablespaces.AddRange(TablespaceMap.Parse(reader.ReadToEnd()).Select(p => new RestoreTablespace(p.Key, p.Value)));
            }
            if (entry.Path == RestorePlan.ControlFile && entry.Data is { } control)
            {
                var bytes = new byte[Math.Min(entry.Size, ControlFileXids.FileSize)];
                endedBefore = ControlFileXids.EndedBefore(bytes.AsSpan(0, control.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false)));
            }
            var known = entry.Kind == RestoreEntry.File && checksums.TryGetValue(entry.Path, out var file)
                && file.Algorithm != "NONE" && file.Size == entry.Size ? file : null;
            entries.Add(new RestoreEntry(entry.Path, entry.Kind, entry.Size, known?.Algorithm, known?.Checksum, entry.LinkTarget));
        }
        return new RestoreManifest(backup.Id, backup.Method.ToName(), backup.SystemIdentifier, backup.Timeline,
            backup.BeginLsn.IsValid ? backup.BeginLsn.ToString() : null, backup.EndLsn.IsValid ? backup.EndLsn.ToString() : null,
            entries, tablespaces, endedBefore);
    }
}
