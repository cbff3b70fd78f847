namespace Pgward.Backup.Files;

/// <summary>The end of a <see cref="BlockPatch"/> file: what its records lie over and the file's new length.</summary>
/// <param name="BaseBackupId">The backup whose copy of the same path the patch lies over.</param>
/// <param name="Depth">1 over a whole file; one more than the base's depth over a patch.</param>
/// <param name="Length">The rebuilt file's length.</param>
/// <param name="RecordsEnd">Where the records end (the end-of-records mark) in the patch file.</param>
public sealed record PatchTrailer(string BaseBackupId, int Depth, long Length, long RecordsEnd);
