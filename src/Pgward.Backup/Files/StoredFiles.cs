namespace Pgward.Backup.Files;

/// <summary>Where a files backup keeps the data directory: <c>base/&lt;id&gt;/data/pgdata/</c>, every file as
/// <c>&lt;name&gt;.lz4</c> (an lz4 frame, as the <c>lz4</c> tool reads it) or, when an incremental stored only its changed
/// blocks, <c>&lt;name&gt;.patch</c> (<see cref="BlockPatch"/>); a file of at least <see cref="BlockMap.Threshold"/> has
/// its <c>&lt;name&gt;.blocks</c> beside it (<see cref="BlockMap"/>). See <see cref="BackupLayout"/> and <see cref="StoredCopy"/>.</summary>
public static class StoredFiles
{
    public const string Extension = ".lz4";

    public const string PatchExtension = ".patch";

    public const string MapExtension = ".blocks";

    public const string DirectoryName = "pgdata";

    /// <summary>The mirror of the data directory under a backup's data directory (<c>base/&lt;id&gt;/data</c>).</summary>
    public static string Root(string backupDataDirectory) => Path.Combine(backupDataDirectory, DirectoryName);

    /// <summary>The stored copy of the file at <paramref name="path"/> (relative to the data directory, <c>/</c>-separated),
    /// when it is stored whole.</summary>
    public static string Of(string root, string path) => Path.Combine(root, path + Extension);

    /// <summary>The same file's copy when stored as a block patch.</summary>
    public static string PatchOf(string root, string path) => Path.Combine(root, path + PatchExtension);

    /// <summary>The same file's block map.</summary>
    public static string MapOf(string root, string path) => Path.Combine(root, path + MapExtension);
}
