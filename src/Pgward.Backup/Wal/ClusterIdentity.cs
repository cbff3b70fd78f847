using System.Text.Json;

namespace Pgward.Backup.Wal;

/// <summary>
/// The cluster a backup directory belongs to (<c>identity.json</c>, as Barman's): its system identifier and WAL
/// segment size, recorded on first contact. WAL of another cluster must never land in the archive: a different
/// system identifier is refused.
/// </summary>
public sealed record ClusterIdentity(string SystemId, long WalSegmentSize, string ServerVersion)
{
    public static ClusterIdentity? Read(BackupLayout layout)
    {
        if (!File.Exists(layout.IdentityFile))
        {
            return null;
        }
        using var document = JsonDocument.Parse(File.ReadAllBytes(layout.IdentityFile));
        var root = document.RootElement;
        return new ClusterIdentity(
            root.GetProperty("systemid").GetString() ?? "",
            root.TryGetProperty("wal_segment_size", out var size) ? size.GetInt64() : WalSegment.DefaultSize,
            root.TryGetProperty("version", out var version) ? version.GetString() ?? "" : "");
    }

    public async Task WriteAsync(BackupLayout layout, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("systemid", SystemId);
            writer.WriteNumber("wal_segment_size", WalSegmentSize);
            writer.WriteString("version", ServerVersion);
            writer.WriteEndObject();
        }
        await DurableFile.WriteAsync(layout.IdentityFile, buffer.ToArray(), ct);
    }

    /// <summary>
    /// Compares the server's identity with the recorded one and records it when there is none yet.
    /// Returns the problem when the server belongs to another cluster.
    /// </summary>
    public static async Task<string?> CheckOrRecordAsync(BackupLayout layout, ClusterIdentity server, CancellationToken ct)
    {
        if (Read(layout) is not { } recorded)
        {
            BackupFileModes.CreateDirectory(layout.Root);
            await server.WriteAsync(layout, ct);
            return null;
        }
        if (recorded.SystemId != server.SystemId)
        {
            return $"the server's system identifier is {server.SystemId}, but backup directory \"{layout.Root}\" holds the cluster "
                + $"with system identifier {recorded.SystemId}";
        }
        return recorded.WalSegmentSize != server.WalSegmentSize
            ? $"the server's wal_segment_size is {server.WalSegmentSize} bytes, but the archive was written with {recorded.WalSegmentSize}"
            : null;
    }
}
