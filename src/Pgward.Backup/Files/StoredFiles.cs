namespace Pgward.Backup.Files;

/// <summary>Where a files backup keeps the data directory: <c>base/&lt;id&gt;/data/pgdata/</c>, every file as
/// <c>&lt;name&gt;.lz4</c> (an lz4 frame, as the <c>lz4</c> tool reads it). See <see cref="BackupLayout"/>.</summary>
public static class StoredFiles
{
    public const string Extension = ".lz4";

    public const string DirectoryName = "pgdata";

    /// <summary>The mirror of the data directory under a backup's data directory (<c>base/&lt;id&gt;/data</c>).</summary>
    public static string Root(string backupDataDirectory) => Path.Combine(backupDataDirectory, DirectoryName);

    /// <summary>The stored copy of the file at <paramref name="path"/> (relative to the data directory, <c>/</c>-separated).</summary>
    public static string Of(string root, string path) => Path.Combine(root, path + Extension);
}
