using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Base;

/// <summary>
/// PostgreSQL's <c>backup_manifest</c> (PG13+), which pg_basebackup writes beside the tar archives: every file with
/// its size and checksum, the WAL range the backup needs, and a SHA-256 of the manifest itself.
/// </summary>
public sealed record BackupManifest(IReadOnlyList<ManifestFile> Files, IReadOnlyList<ManifestWalRange> WalRanges, string ManifestChecksum)
{
    public const string FileName = "backup_manifest";

    /// <summary>How the manifest writes <c>Last-Modified</c>: <c>2026-12-05 04:13:08 GMT</c>.</summary>
    public const string LastModifiedFormat = "yyyy-MM-dd HH:mm:ss 'GMT'";

    private const string ChecksumKey = "\"Manifest-Checksum\"";

    /// <summary>Parses the manifest; throws <see cref="FormatException"/> when it is not one.</summary>
    public static BackupManifest Parse(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var files = root.GetProperty("Files").EnumerateArray().Select(ParseFile).ToList();
            var ranges = root.GetProperty("WAL-Ranges").EnumerateArray().Select(r => new ManifestWalRange(
                r.GetProperty("Timeline").GetUInt32(),
                Lsn.Parse(r.GetProperty("Start-LSN").GetString()!),
                Lsn.Parse(r.GetProperty("End-LSN").GetString()!))).ToList();
            return new BackupManifest(files, ranges, root.GetProperty("Manifest-Checksum").GetString()!);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"not a valid backup manifest: {ex.Message}", ex);
        }
    }

    /// <summary>Whether the manifest's own SHA-256 matches its text: it covers everything before the
    /// <c>"Manifest-Checksum"</c> line (PostgreSQL's parse_manifest.c).</summary>
    public static bool ChecksumMatches(string text, string expected)
    {
        var at = text.LastIndexOf(ChecksumKey, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text[..at]));
        return string.Equals(Convert.ToHexString(hash), expected, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Sum of the sizes of all files: the data directory the backup holds, uncompressed.</summary>
    public long TotalSize => Files.Sum(f => f.Size);

    private static ManifestFile ParseFile(JsonElement file)
    {
        // Names that are not valid UTF-8 are written hex-encoded as Encoded-Path.
        var path = file.TryGetProperty("Path", out var plain)
            ? plain.GetString()!
            : Encoding.UTF8.GetString(Convert.FromHexString(file.GetProperty("Encoded-Path").GetString()!));
        var algorithm = file.TryGetProperty("Checksum-Algorithm", out var alg) ? alg.GetString()! : "NONE";
        var checksum = file.TryGetProperty("Checksum", out var sum) ? sum.GetString()! : "";
        DateTimeOffset? modified = file.TryGetProperty("Last-Modified", out var time)
            && DateTimeOffset.TryParseExact(time.GetString(), LastModifiedFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
        return new ManifestFile(path, file.GetProperty("Size").GetInt64(), algorithm.ToUpper(CultureInfo.InvariantCulture), checksum, modified);
    }
}
