using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pgward.Backup.Base;

namespace Pgward.Backup.Files;

/// <summary>
/// Writes a <c>backup_manifest</c> as PostgreSQL's backup_manifest.c does (version 1: one line per file, the WAL
/// ranges, then <c>Manifest-Checksum</c>: the SHA-256 of every byte before it), so that <see cref="BackupManifest"/>
/// and pg_verifybackup's parser read it. Pure.
/// </summary>
public static class ManifestWriter
{
    public static string Render(IEnumerable<ManifestFile> files, IReadOnlyList<ManifestWalRange> walRanges)
    {
        var text = new StringBuilder("{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [");
        var first = true;
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            text.Append(first ? "\n" : ",\n");
            first = false;
            text.Append("{ \"Path\": ").Append(JsonSerializer.Serialize(file.Path, FilesJson.Context.String))
                .Append(", \"Size\": ").Append(file.Size.ToString(CultureInfo.InvariantCulture));
            if (file.LastModified is { } modified)
            {
                text.Append(", \"Last-Modified\": \"").Append(modified.UtcDateTime.ToString(BackupManifest.LastModifiedFormat, CultureInfo.InvariantCulture)).Append('"');
            }
            if (file.Algorithm != "NONE")
            {
                text.Append(", \"Checksum-Algorithm\": \"").Append(file.Algorithm).Append("\", \"Checksum\": \"").Append(file.Checksum).Append('"');
            }
            text.Append(" }");
        }
        text.Append("\n],\n\"WAL-Ranges\": [");
        for (var i = 0; i < walRanges.Count; i++)
        {
            var range = walRanges[i];
            text.Append(i == 0 ? "\n" : ",\n").Append(CultureInfo.InvariantCulture,
                $"{{ \"Timeline\": {range.Timeline}, \"Start-LSN\": \"{range.Start}\", \"End-LSN\": \"{range.End}\" }}");
        }
        text.Append("\n],\n");
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        return text.Append("\"Manifest-Checksum\": \"").Append(checksum).Append("\"}\n").ToString();
    }
}
