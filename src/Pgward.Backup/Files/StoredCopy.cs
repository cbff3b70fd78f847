using K4os.Compression.LZ4.Streams;

namespace Pgward.Backup.Files;

/// <summary>
/// One file's copy in a files backup, whole or a block patch over another backup's copy of the same path (a chain: that
/// copy may be a patch too). The one place that follows the chain: restores, <c>backup verify</c>, the endpoint and the
/// next incremental all read stored files through it. A backup's data directory is <c>base/&lt;id&gt;/data</c>; the base
/// of a patch is the sibling <c>base/&lt;base id&gt;/data</c>.
/// </summary>
public static class StoredCopy
{
    private const int ReadBuffer = 1 << 20;

    /// <summary>The data directory of the backup <paramref name="backupId"/> beside <paramref name="backupDataDirectory"/>.</summary>
    public static string SiblingDataDirectory(string backupDataDirectory, string backupId) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(backupDataDirectory))!)!, backupId, "data");

    /// <summary>Whether the backup holds a copy of <paramref name="path"/> (whole or patch), without following the chain.</summary>
    public static bool Exists(string backupDataDirectory, string path)
    {
        var root = StoredFiles.Root(backupDataDirectory);
        return File.Exists(StoredFiles.Of(root, path)) || File.Exists(StoredFiles.PatchOf(root, path));
    }

    /// <summary>The patch's trailer when the copy is a patch, null when it is whole; throws <see cref="InvalidDataException"/>
    /// when the patch's trailer is damaged and <see cref="FileNotFoundException"/> when there is no copy.</summary>
    public static PatchTrailer? TrailerOf(string backupDataDirectory, string path)
    {
        var root = StoredFiles.Root(backupDataDirectory);
        if (File.Exists(StoredFiles.Of(root, path)))
        {
            return null;
        }
        using var patch = new FileStream(StoredFiles.PatchOf(root, path), FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        return BlockPatch.ReadTrailer(patch);
    }

    /// <summary>How many patches lie between the copy and a whole file: 0 when it is whole.</summary>
    public static int DepthOf(string backupDataDirectory, string path) => TrailerOf(backupDataDirectory, path)?.Depth ?? 0;

    /// <summary>The copy's uncompressed bytes, following the chain. Throws <see cref="InvalidDataException"/> when a link
    /// is missing or damaged, naming the backup it is in.</summary>
    public static Stream Open(string backupDataDirectory, string path) => Open(backupDataDirectory, path, BlockPatch.MaxDepth * 2);

    private static Stream Open(string backupDataDirectory, string path, int linksLeft)
    {
        var root = StoredFiles.Root(backupDataDirectory);
        var whole = StoredFiles.Of(root, path);
        if (File.Exists(whole))
        {
            return LZ4Stream.Decode(new FileStream(whole, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBuffer, FileOptions.SequentialScan),
                extraMemory: 0, leaveOpen: false);
        }
        var patchPath = StoredFiles.PatchOf(root, path);
        if (!File.Exists(patchPath))
        {
            throw new InvalidDataException($"{path}: no stored copy in {backupDataDirectory}: a link of its block-patch chain is missing");
        }
        if (linksLeft == 0)
        {
            throw new InvalidDataException($"{path}: its block-patch chain is longer than {BlockPatch.MaxDepth * 2} links: a patch trailer is damaged");
        }
        var patch = new FileStream(patchPath, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBuffer);
        try
        {
            var header = BlockPatch.ReadTrailer(patch);
            var baseDirectory = SiblingDataDirectory(backupDataDirectory, header.BaseBackupId);
            if (!Directory.Exists(baseDirectory))
            {
                throw new InvalidDataException($"{path}: stored as a block patch over backup {header.BaseBackupId}, which is gone");
            }
            var baseStream = Open(baseDirectory, path, linksLeft - 1);
            try
            {
                return new PatchedStream(patch, header, baseStream);
            }
            catch
            {
                baseStream.Dispose();
                throw;
            }
        }
        catch
        {
            patch.Dispose();
            throw;
        }
    }
}
