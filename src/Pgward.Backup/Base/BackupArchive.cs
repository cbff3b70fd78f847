using System.Formats.Tar;
using K4os.Compression.LZ4.Streams;

namespace Pgward.Backup.Base;

/// <summary>
/// One tar archive of a base backup, as pg_basebackup <c>-Ft --compress=client-lz4</c> writes it: <c>base.tar.lz4</c>
/// for the data directory, <c>&lt;oid&gt;.tar.lz4</c> for each tablespace.
/// </summary>
public sealed record BackupArchive(string FilePath)
{
    public const string Extension = ".tar.lz4";

    public const string BaseArchiveName = "base" + Extension;

    public string FileName => Path.GetFileName(FilePath);

    /// <summary>The tablespace's OID, or null for the data directory's archive.</summary>
    public string? TablespaceOid => FileName == BaseArchiveName ? null : FileName[..^Extension.Length];

    /// <summary>What the manifest puts before the names in this archive: nothing for base, <c>pg_tblspc/&lt;oid&gt;/</c>.</summary>
    public string ManifestPrefix => TablespaceOid is { } oid ? $"pg_tblspc/{oid}/" : "";

    /// <summary>The archives of the backup in <paramref name="backupDirectory"/>, base first.</summary>
    public static IReadOnlyList<BackupArchive> In(string backupDirectory) =>
        [.. Directory.EnumerateFiles(backupDirectory, "*" + Extension)
            .Select(f => new BackupArchive(f))
            .OrderBy(a => a.TablespaceOid is not null)
            .ThenBy(a => a.FileName, StringComparer.Ordinal)];

    /// <summary>Opens the archive for reading entry by entry; dispose the reader, then the stream.</summary>
    public (Stream Stream, TarReader Reader) Open()
    {
        var file = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var lz4 = LZ4Stream.Decode(file, extraMemory: 0, leaveOpen: false);
        return (lz4, new TarReader(lz4, leaveOpen: true));
    }

    /// <summary>An entry's path as the manifest names it (pg_basebackup writes no leading <c>./</c>, others may).</summary>
    public string ManifestPath(TarEntry entry)
    {
        var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
        return ManifestPrefix + name.TrimEnd('/');
    }
}
