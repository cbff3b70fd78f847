using System.Buffers;
using System.Security.Cryptography;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using Pgward.Backup.Files;

namespace Pgward.Agent.Backups;

/// <summary>
/// Reads one file of the data directory for a files backup and writes its frames (<see cref="FrameTag"/>): its bytes
/// lz4-compressed, then its size and the SHA-256 of what was read. A file with the size and checksum the backup server
/// gave (its parent backup's copy) is answered "unchanged" without its bytes: one read to checksum, a second only when
/// it did change. PostgreSQL may write a file while it is read; the WAL replayed from the backup's start repairs that,
/// as for pg_basebackup.
/// </summary>
public static class FileSender
{
    private const int ChunkSize = 1 << 20;

    public static async Task SendAsync(FrameWriter writer, string path, FetchItem item, CancellationToken ct)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0, Options = FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            await writer.VanishedAsync(ct);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using (file)
            {
                if (item.ParentChecksum is { } parent && file.Length == item.ParentSize)
                {
                    var (size, checksum) = await ChecksumAsync(file, buffer, ct);
                    if (size == item.ParentSize && string.Equals(checksum, parent, StringComparison.OrdinalIgnoreCase))
                    {
                        await writer.EndAsync(FrameTag.Unchanged, size, checksum, ct);
                        return;
                    }
                    file.Position = 0;
                }
                var (sent, sum) = await CompressAsync(file, writer, buffer, ct);
                await writer.EndAsync(FrameTag.Stored, sent, sum, ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<(long Size, string Checksum)> ChecksumAsync(FileStream file, byte[] buffer, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var size = 0L;
        int read;
        while ((read = await file.ReadAsync(buffer.AsMemory(0, ChunkSize), ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task<(long Size, string Checksum)> CompressAsync(FileStream file, FrameWriter writer, byte[] buffer, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var size = 0L;
        var frames = new FramingStream(writer);
        await using (var lz4 = LZ4Stream.Encode(frames, new LZ4EncoderSettings { CompressionLevel = LZ4Level.L00_FAST }, leaveOpen: true))
        {
            int read;
            while ((read = await file.ReadAsync(buffer.AsMemory(0, ChunkSize), ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await lz4.WriteAsync(buffer.AsMemory(0, read), ct);
                size += read;
            }
        }
        await frames.FlushAsync(ct);
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
